package io.streamt.runner.kafka;

import io.streamt.runner.Json;
import io.streamt.runner.Out;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code kafka --port P --controller-port C --dir D [--ready-timeout-ms N]}: a single-node
 * KRaft broker+controller bound to 127.0.0.1, running in this JVM. Prints
 * {"event":"ready","bootstrap":"127.0.0.1:P"} once an admin client can describe the cluster,
 * then runs until SIGTERM/SIGINT or until stdin reaches end-of-file (the parent went away;
 * {@code --ignore-stdin} turns that off for use from a terminal).
 */
public final class KafkaBroker {
    private KafkaBroker() {}

    public static int main(String[] args) throws Exception {
        int port = -1;
        int controllerPort = -1;
        String dir = null;
        long readyTimeoutMs = 60_000;
        boolean watchStdin = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port": port = Integer.parseInt(v); i++; break;
                case "--controller-port": controllerPort = Integer.parseInt(v); i++; break;
                case "--dir": dir = v; i++; break;
                case "--ready-timeout-ms": readyTimeoutMs = Long.parseLong(v); i++; break;
                case "--ignore-stdin": watchStdin = false; break;
                default:
                    Out.event(Json.obj().put("event", "failed").put("error", "unknown option " + a));
                    return 2;
            }
        }
        if (port <= 0 || controllerPort <= 0 || dir == null) {
            Out.event(Json.obj().put("event", "failed")
                    .put("error", "usage: kafka --port <p> --controller-port <c> --dir <datadir>"));
            return 2;
        }

        Path base = Path.of(dir).toAbsolutePath();
        Path logs = base.resolve("logs");
        Files.createDirectories(logs);
        Properties props = brokerProperties(port, controllerPort, logs);
        Path propsFile = base.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
            props.store(w, "written by streamt flink-runner kafka");
        }

        // Format the storage (no-op when this directory was formatted before; the existing
        // cluster id must then be passed again, or the format step rejects the directory).
        String clusterId = Uuid.randomUuid().toString();
        Path meta = logs.resolve("meta.properties");
        if (Files.isRegularFile(meta)) {
            Properties old = new Properties();
            try (java.io.Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
                old.load(r);
            }
            if (old.getProperty("cluster.id") != null) clusterId = old.getProperty("cluster.id");
        }
        ByteArrayOutputStream formatOut = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(formatOut, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {
                "format", "-t", clusterId, "-c", propsFile.toString(), "--ignore-formatted"
            }, ps);
        }
        System.err.print(formatOut.toString(StandardCharsets.UTF_8));
        if (rc != 0) {
            Out.event(Json.obj().put("event", "failed").put("error", "storage format failed: " + formatOut.toString(StandardCharsets.UTF_8).strip()));
            return 1;
        }

        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) return;
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (Throwable t) {
                System.err.println("kafka shutdown: " + t);
            } finally {
                stopped.countDown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "streamt-kafka-shutdown"));

        try {
            server.startup();
        } catch (Throwable t) {
            // The innermost cause says why (e.g. the port is in use); the outer ones only where it surfaced.
            Out.event(Json.obj().put("event", "failed").put("error", "broker start failed: " + innermostMessage(t)));
            return 1;
        }

        String bootstrap = "127.0.0.1:" + port;
        String readyError = awaitReady(bootstrap, readyTimeoutMs);
        if (readyError != null) {
            Out.event(Json.obj().put("event", "failed").put("error", readyError));
            return 1;
        }
        Out.event(Json.obj().put("event", "ready").put("bootstrap", bootstrap));

        // Watch stdin: EOF means the parent process is gone (or wants us to stop).
        if (watchStdin) Out.exitOnStdinClose("stopping the Kafka broker");

        stopped.await();
        return 0;
    }

    static Properties brokerProperties(int port, int controllerPort, Path logs) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logs.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("transaction.max.timeout.ms", "3600000");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        return p;
    }

    /** Returns null when the broker answers describeCluster, else an error message. */
    private static String awaitReady(String bootstrap, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Properties ap = new Properties();
        ap.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        ap.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        ap.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        String last = "timeout";
        try (Admin admin = Admin.create(ap)) {
            while (System.currentTimeMillis() < deadline) {
                try {
                    int nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
                    if (nodes > 0) return null;
                    last = "no broker registered yet";
                } catch (Exception e) {
                    last = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
                Thread.sleep(100);
            }
        }
        return "broker not ready after " + timeoutMs + " ms: " + last;
    }

    /**
     * Why a start failed: the innermost cause's message, or the outermost message that quotes it (Kafka's
     * "Socket server failed to bind to 127.0.0.1:9092: Address already in use." over the bare "Address
     * already in use"). The outer causes otherwise say only where it surfaced.
     */
    static String innermostMessage(Throwable t) {
        java.util.List<String> messages = new java.util.ArrayList<>();
        // At most 20 deep: a chain of causes can loop.
        Throwable c = t;
        for (int depth = 0; c != null && depth < 20; depth++, c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) messages.add(c.getMessage().strip());
        }
        if (messages.isEmpty()) return t.toString();
        String innermost = messages.get(messages.size() - 1);
        for (String m : messages) if (m.contains(innermost)) return m;
        return innermost;
    }
}
