package io.streamt.runner.flink;

import io.streamt.runner.Json;
import io.streamt.runner.Out;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}: one warm JVM that runs many bounded jobs (a test suite's), each to its end. Planner
 * classes, code generation, the JIT and the MiniCluster's start are paid once instead of per job.
 *
 * <p>Every job runs on one MiniCluster, started before {@code ready} and shared by all (SharedCluster:
 * what is shared and what stays per job), concurrently with others on its {@value #SLOTS} task slots (a
 * job that finds none free waits for one).
 *
 * <p>Requests are JSON lines on stdin: {@code {"id":"t1","script":"..."}} runs a script,
 * {@code {"id":"t1","cancel":true}} cancels it. Events
 * are JSON lines on stdout, each with the request's id: {@code submitted}, then {@code finished} or
 * {@code failed} (with the statement, for a script that fails before it runs), or {@code cancelled}.
 *
 * <p>Restore tests use three more fields. A script request may carry {@code "restore":"<savepoint path>"}
 * (the job starts from that savepoint and fails if any of its state has no operator to go to) and
 * {@code "checkpointMs":N} (checkpoints every N ms, so Kafka sources commit the offsets they have read:
 * how the client knows a job that never ends by itself has consumed its input).
 * {@code {"id":"t1","stop":{"dir":"<dir>","drain":false}}} stops a running job with a savepoint in that
 * directory and reports {@code stopped} with its {@code savepoint} path; with {@code drain} the job's
 * watermark moves to the end of time first, as at the end of a bounded input (every window fires).
 * A job fails at its first error: the restart strategy is off, so a record that fails a task fails the
 * test instead of being read again for ever. A job that is cancelled or fails gives its slot back to the
 * cluster for the next. When stdin closes, running jobs are cancelled, the cluster is shut down and the
 * JVM exits.
 */
public final class JobServer {
    private JobServer() {}

    /** Task slots of the shared cluster: a test job runs at parallelism 1 in one slot. */
    static final int SLOTS = 8;

    private static final Map<String, JobClient> RUNNING = new ConcurrentHashMap<>();
    /** Jobs cancelled before they were submitted: they never start. */
    private static final Set<String> CANCELLED = ConcurrentHashMap.newKeySet();
    /** Jobs asked for but not yet submitted (planning): a stop for one waits for it. */
    private static final Set<String> STARTING = ConcurrentHashMap.newKeySet();
    /** Every job id a script was sent for: a stop for one no longer running says it ended, not that it never was. */
    private static final Set<String> ASKED = ConcurrentHashMap.newKeySet();
    /** How long a stop waits for a job still starting, and for its tasks to run, before it gives up. */
    private static final long STOP_WAIT_MS = 120_000;

    public static int serve(String[] args) throws Exception {
        if (args.length > 0) {
            Out.event(Json.obj().put("event", "failed").put("error", "serve takes no arguments, got " + args[0]));
            return 2;
        }
        MiniCluster cluster;
        try {
            cluster = SharedCluster.start(SLOTS);
        } catch (Exception e) {
            Out.event(Json.obj().put("event", "failed").put("error", "the MiniCluster did not start: " + FlinkCommands.errorMessage(e)));
            return 1;
        }
        Out.event(Json.obj().put("event", "ready").put("slots", SLOTS));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            Map<?, ?> request;
            try {
                Object parsed = Json.parse(line);
                if (!(parsed instanceof Map)) throw new IllegalArgumentException("a request is a JSON object");
                request = (Map<?, ?>) parsed;
                if (!(request.get("id") instanceof String)) throw new IllegalArgumentException("a request needs a string \"id\"");
            } catch (RuntimeException e) {
                Out.event(Json.obj().put("event", "failed").put("error", "bad request: " + e.getMessage()));
                continue;
            }
            String id = (String) request.get("id");
            if (Boolean.TRUE.equals(request.get("cancel"))) {
                cancel(id);
            } else if (request.get("stop") instanceof Map) {
                Map<?, ?> stop = (Map<?, ?>) request.get("stop");
                Thread t = new Thread(() -> stop(id, String.valueOf(stop.get("dir")), Boolean.TRUE.equals(stop.get("drain"))), "streamt-stop-" + id);
                t.setDaemon(true);
                t.start();
            } else if (request.get("script") instanceof String) {
                String script = (String) request.get("script");
                String restore = request.get("restore") instanceof String ? (String) request.get("restore") : null;
                long checkpointMs = request.get("checkpointMs") instanceof Number ? ((Number) request.get("checkpointMs")).longValue() : 0;
                ASKED.add(id);
                STARTING.add(id);
                Thread t = new Thread(() -> {
                    try {
                        runJob(id, script, restore, checkpointMs);
                    } finally {
                        STARTING.remove(id);
                    }
                }, "streamt-serve-" + id);
                t.setDaemon(true);
                t.start();
            } else {
                Out.event(Json.obj().put("id", id).put("event", "failed").put("error", "bad request: needs \"script\", \"cancel\" or \"stop\""));
            }
        }
        for (String id : RUNNING.keySet()) cancel(id);
        cluster.closeAsync().get(30, TimeUnit.SECONDS);
        return 0;
    }

    private static void cancel(String id) {
        JobClient client;
        synchronized (RUNNING) {
            client = RUNNING.remove(id);
            if (client == null) {
                CANCELLED.add(id);
                return;
            }
        }
        try {
            client.cancel().get(15, TimeUnit.SECONDS);
        } catch (Throwable t) {
            System.err.println("serve: cancelling " + id + ": " + FlinkCommands.errorMessage(t));
        }
        Out.event(Json.obj().put("id", id).put("event", "cancelled"));
    }

    /**
     * Stops a running job with a savepoint and reports {@code stopped} with its path (the job's own
     * thread then reports nothing more), or {@code failed} when no savepoint could be taken. A job still
     * being planned is waited for, and while its JobMaster initializes or its tasks are still deploying
     * Flink refuses a savepoint ("... while the JobManager is initializing", "Not all required tasks are
     * currently running"), so the stop is tried again: a stop sent right after the start is then no race.
     */
    private static void stop(String id, String dir, boolean drain) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MS);
        JobClient client = RUNNING.remove(id);
        while (client == null && STARTING.contains(id) && System.nanoTime() < deadline) {
            pause();
            client = RUNNING.remove(id);
        }
        if (client == null) {
            Out.event(Json.obj().put("id", id).put("event", "failed").put("error", "no running job " + id + " to stop (" + (ASKED.contains(id) ? "it has ended" : "no job of that id was started") + ")"));
            return;
        }
        String target = new File(dir).getAbsoluteFile().toURI().toString();
        try {
            for (;;) {
                try {
                    String path = client.stopWithSavepoint(drain, target, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
                    Out.event(Json.obj().put("id", id).put("event", "stopped").put("savepoint", path));
                    return;
                } catch (Throwable t) {
                    if (!tasksStillStarting(t) || System.nanoTime() >= deadline) throw t;
                    pause();
                }
            }
        } catch (Throwable t) {
            try {
                client.cancel().get(15, TimeUnit.SECONDS);
            } catch (Throwable ignored) {
                // it may have ended already
            }
            Out.event(Json.obj().put("id", id).put("event", "failed").put("error", "stop with savepoint: " + FlinkCommands.errorMessage(t)));
        }
    }

    /**
     * Whether a savepoint was refused only because the job is not fully up yet (the job goes on): its JobMaster
     * still initializing (a busy machine makes that take seconds), or some of its tasks not running yet.
     */
    private static boolean tasksStillStarting(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.contains("Not all required tasks are currently running") || m.contains("while the JobManager is initializing"))) return true;
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one script as one job and reports how it ended. */
    private static void runJob(String id, String script, String restore, long checkpointMs) {
        long t0 = System.nanoTime();
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        if (checkpointMs > 0) conf.setString("execution.checkpointing.interval", checkpointMs + " ms");
        if (restore != null) {
            // A savepoint path as the stop reports it is a URI already ("file:/tmp/..."); a plain path is made one.
            String p = restore.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? restore : new File(restore).getAbsoluteFile().toURI().toString();
            conf.setString("execution.state-recovery.path", p); // 2.x key (also known to 1.20)
            if (EnvironmentInformation.getVersion().startsWith("1.")) conf.setString("execution.savepoint.path", p); // the key 1.20's executor reads
        }
        TableEnvironment tEnv;
        StatementSet set;
        int inserts = 0;
        int index = 0;
        SqlSplitter.Statement current = null;
        try {
            tEnv = FlinkCommands.newTableEnvironment(conf);
            set = tEnv.createStatementSet();
            List<SqlSplitter.Statement> statements = SqlSplitter.split(EnvReferences.resolve(script, System.getenv()));
            for (SqlSplitter.Statement st : statements) {
                index++;
                current = st;
                switch (FlinkCommands.kindOf(st)) {
                    case STATEMENT_SET:
                        for (SqlSplitter.Statement inner : SqlSplitter.innerStatements(st)) {
                            current = inner;
                            set.addInsertSql(FlinkCommands.stripExecute(inner));
                            inserts++;
                        }
                        break;
                    case QUERY:
                        set.addInsertSql(FlinkCommands.stripExecute(st));
                        inserts++;
                        break;
                    case SET:
                        FlinkCommands.applySet(tEnv, st);
                        break;
                    case CREATE_TABLE_AS:
                        throw new IllegalArgumentException("CREATE TABLE ... AS SELECT is not supported; use CREATE TABLE and INSERT INTO");
                    default:
                        tEnv.executeSql(st.text);
                }
            }
        } catch (Throwable t) {
            Json.Obj o = Json.obj().put("id", id).put("event", "failed").put("error", FlinkCommands.errorMessage(t));
            if (current != null) o.put("statementIndex", index).put("statement", current.text).put("line", current.line);
            Out.event(o);
            return;
        }
        if (inserts == 0) {
            Out.event(Json.obj().put("id", id).put("event", "failed").put("error", "the script has no INSERT INTO statement"));
            return;
        }
        JobClient client = null;
        try {
            if (CANCELLED.remove(id)) {
                Out.event(Json.obj().put("id", id).put("event", "cancelled"));
                return;
            }
            TableResult result = set.execute();
            client = result.getJobClient().orElse(null);
            synchronized (RUNNING) {
                if (client != null) RUNNING.put(id, client);
            }
            if (CANCELLED.remove(id)) cancel(id);
            Out.event(Json.obj().put("id", id).put("event", "submitted").put("jobId", client == null ? null : client.getJobID().toString()));
            result.await();
            if (RUNNING.remove(id) != null || client == null) {
                Out.event(Json.obj().put("id", id).put("event", "finished").put("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
            }
        } catch (Throwable t) {
            // A cancelled job was reported by cancel(); anything else failed.
            if (client == null || RUNNING.remove(id) != null) {
                Out.event(Json.obj().put("id", id).put("event", "failed").put("error", FlinkCommands.errorMessage(t)));
            }
        }
    }
}
