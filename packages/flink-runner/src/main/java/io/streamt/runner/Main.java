package io.streamt.runner;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Properties;

/**
 * Entry point: {@code Main <command> [args]}.
 *
 * <ul>
 *   <li>{@code version}: {"flink":"...","target":"2|1.20"} (on the kafka classpath: {"kafka":...,"target":"kafka"})
 *   <li>{@code validate}: JSON-lines requests on stdin, one JSON-line answer each on stdout
 *   <li>{@code run <script.sql> [--checkpoint-dir D] [--restore P]}: runs a script on a MiniCluster
 *   <li>{@code serve}: JSON-lines job requests on stdin, each run to its end (tests); events on stdout
 *   <li>{@code kafka --port P --controller-port C --dir D}: single-node KRaft broker (kafka classpath)
 *   <li>{@code savepoint-metadata <dir>}: the operators a savepoint holds state for (one JSON line)
 *   <li>{@code class-archive-training}: what build.sh runs to record the JVM's class archive (CDS)
 * </ul>
 *
 * The Flink and the Kafka-broker code are compiled into different output directories (their
 * classpaths conflict), so they are reached by reflection.
 */
public final class Main {
    private static final String FLINK = "io.streamt.runner.flink.FlinkCommands";
    private static final String KAFKA = "io.streamt.runner.kafka.KafkaBroker";
    private static final String JOB_SERVER = "io.streamt.runner.flink.JobServer";
    private static final String SAVEPOINT = "io.streamt.runner.flink.v2.SavepointMetadata";

    private Main() {}

    public static void main(String[] args) {
        Out.init();
        String cmd = args.length > 0 ? args[0] : "help";
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        int rc;
        try {
            switch (cmd) {
                case "version":
                    rc = version();
                    break;
                case "validate":
                case "run":
                    rc = dispatch(FLINK, cmd, rest);
                    break;
                case "kafka":
                    rc = dispatch(KAFKA, "main", rest);
                    break;
                case "serve":
                    rc = dispatch(JOB_SERVER, "serve", rest);
                    break;
                case "class-archive-training":
                    rc = dispatch(FLINK, "classArchiveTraining", rest);
                    break;
                case "savepoint-metadata":
                    rc = dispatch(SAVEPOINT, "main", rest);
                    break;
                default:
                    System.err.println("usage: Main version | validate | run <script.sql> [--checkpoint-dir <dir>] [--restore <path>] | serve"
                            + " | kafka --port <p> --controller-port <c> --dir <dir> | savepoint-metadata <dir>");
                    rc = 2;
            }
        } catch (Throwable t) {
            t.printStackTrace();
            Out.event(Json.obj().put("event", "failed").put("error", String.valueOf(t)));
            rc = 1;
        }
        System.exit(rc);
    }

    public static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/streamt-runner.properties")) {
            if (in != null) p.load(in);
        } catch (Exception ignored) {
            // defaults below
        }
        return p;
    }

    private static int version() throws Throwable {
        Properties p = buildInfo();
        String target = p.getProperty("target", "?");
        if (target.equals("kafka")) {
            Out.event(Json.obj().put("kafka", p.getProperty("kafka.broker.version")).put("target", target));
            return 0;
        }
        return dispatch(FLINK, "version", new String[0]);
    }

    private static int dispatch(String className, String method, String[] args) throws Throwable {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            String target = buildInfo().getProperty("target", "?");
            Out.event(Json.obj().put("event", "failed").put("error",
                    "command not available on this classpath (target " + target + "); "
                            + (className.equals(KAFKA) ? "build with: build.sh kafka" : "build with: build.sh 2|1.20")));
            return 2;
        }
        Method m = c.getMethod(method, String[].class);
        try {
            return (Integer) m.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
