package io.streamt.runner.flink.v2;

import io.streamt.runner.Json;
import io.streamt.runner.Out;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.TreeSet;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;

/**
 * {@code savepoint-metadata <savepoint directory>}: what a savepoint holds, read with Flink's own
 * reader of its {@code _metadata} file (the state processor API's savepoint_metadata reads the same).
 * One JSON line: {@code {"checkpointId":N,"operators":[{"id","uid","uidHash","name","parallelism",
 * "maxParallelism","bytes","hasState","stateNames":[...]}]}}. {@code uidHash} is the operator id Flink
 * derives from the uid (StreamGraphHasherV2), so the caller can check that an operator's state is
 * keyed by its uid. State names: operator state's from the handles, keyed state's from the header
 * of each key-group stream (canonical savepoints; left out when a header cannot be read).
 */
public final class SavepointMetadata {
    private SavepointMetadata() {}

    public static int main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Main savepoint-metadata <savepoint directory>");
            return 2;
        }
        File dir = new File(args[0]);
        File metadata = new File(dir, "_metadata");
        ClassLoader loader = SavepointMetadata.class.getClassLoader();
        CheckpointMetadata read;
        try (DataInputStream in = new DataInputStream(new FileInputStream(metadata))) {
            read = Checkpoints.loadCheckpointMetadata(in, loader, dir.getAbsolutePath());
        }
        StringBuilder operators = new StringBuilder("[");
        for (OperatorState op : read.getOperatorStates()) {
            if (operators.length() > 1) operators.append(',');
            String uid = op.getOperatorUid().orElse(null);
            boolean hasState = op.getCoordinatorState() != null;
            for (OperatorSubtaskState s : op.getStates()) hasState |= s.hasState();
            operators.append(Json.obj()
                    .put("id", op.getOperatorID().toHexString())
                    .put("uid", uid)
                    .put("uidHash", uid == null ? null : HexFormat.of().formatHex(StreamGraphHasherV2.generateUserSpecifiedHash(uid)))
                    .put("name", op.getOperatorName().orElse(null))
                    .put("parallelism", op.getParallelism())
                    .put("maxParallelism", op.getMaxParallelism())
                    .put("bytes", op.getStateSize())
                    .put("hasState", hasState)
                    .putRaw("stateNames", names(op, loader)));
        }
        operators.append(']');
        Out.event(Json.obj().put("checkpointId", read.getCheckpointId()).putRaw("operators", operators.toString()));
        return 0;
    }

    private static String names(OperatorState op, ClassLoader loader) {
        TreeSet<String> names = new TreeSet<>();
        if (op.getCoordinatorState() != null) names.add("(coordinator)");
        for (OperatorSubtaskState s : op.getStates()) {
            for (OperatorStateHandle h : s.getManagedOperatorState()) names.addAll(h.getStateNameToPartitionOffsets().keySet());
            for (KeyedStateHandle h : s.getManagedKeyedState()) {
                if (!(h instanceof KeyGroupsStateHandle)) continue;
                try (InputStream in = ((KeyGroupsStateHandle) h).openInputStream()) {
                    KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(loader);
                    proxy.read(new DataInputViewStreamWrapper(in));
                    for (StateMetaInfoSnapshot m : proxy.getStateMetaInfoSnapshots()) names.add(m.getName());
                } catch (Exception e) {
                    // A header written by another backend or format: the size alone is reported.
                }
            }
        }
        StringBuilder out = new StringBuilder("[");
        for (String n : names) {
            if (out.length() > 1) out.append(',');
            Json.quote(out, n);
        }
        return out.append(']').toString();
    }
}
