package io.streamt.runner.flink;

import io.streamt.runner.Json;
import io.streamt.runner.Main;
import io.streamt.runner.Out;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecution;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Flink commands: version, validate, run. Uses only APIs present in Flink 1.20 and 2.x. */
public final class FlinkCommands {
    private FlinkCommands() {}

    // ================================================================== version

    public static int version(String[] args) {
        Properties info = Main.buildInfo();
        String v;
        try {
            v = EnvironmentInformation.getVersion();
        } catch (Throwable t) {
            v = null;
        }
        if (v == null || v.isEmpty() || v.contains("unknown")) v = info.getProperty("flink.version");
        Out.event(Json.obj()
                .put("flink", v)
                .put("target", info.getProperty("target"))
                .put("kafkaConnector", info.getProperty("flink.kafka.connector.version")));
        return 0;
    }

    // ================================================================== class-archive-training

    /** Planned as validate plans: the Kafka connector, the JSON formats, windows, joins, an upsert sink. */
    private static final String TRAINING_PLAN = String.join("\n",
            "CREATE TABLE t_orders (id STRING, k STRING, v DECIMAL(10, 2), ts TIMESTAMP(3),",
            "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kafka', 'topic' = 'orders',",
            "  'properties.bootstrap.servers' = '127.0.0.1:9', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json');",
            "CREATE TABLE t_payments (id STRING, order_id STRING, ts TIMESTAMP(3),",
            "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kafka', 'topic' = 'payments',",
            "  'properties.bootstrap.servers' = '127.0.0.1:9', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json');",
            "CREATE TABLE t_hourly (ws TIMESTAMP(3), k STRING, n BIGINT, s DECIMAL(38, 2)) WITH ('connector' = 'kafka',",
            "  'topic' = 'hourly', 'properties.bootstrap.servers' = '127.0.0.1:9', 'format' = 'json');",
            "CREATE TABLE t_totals (k STRING, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'upsert-kafka',",
            "  'topic' = 'totals', 'properties.bootstrap.servers' = '127.0.0.1:9', 'key.format' = 'json', 'value.format' = 'json');",
            "CREATE TABLE t_paid (id STRING, k STRING, paid TIMESTAMP(3)) WITH ('connector' = 'kafka',",
            "  'topic' = 'paid', 'properties.bootstrap.servers' = '127.0.0.1:9', 'format' = 'json');",
            "EXECUTE STATEMENT SET BEGIN",
            "INSERT INTO t_hourly SELECT window_start, k, COUNT(*), SUM(v)",
            "  FROM TABLE(TUMBLE(TABLE t_orders, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end, k;",
            "INSERT INTO t_totals SELECT k, COUNT(*) FROM t_orders GROUP BY k;",
            "INSERT INTO t_paid SELECT o.id, o.k, p.ts FROM t_orders o JOIN t_payments p ON p.order_id = o.id",
            "  AND p.ts BETWEEN o.ts AND o.ts + INTERVAL '1' HOUR;",
            "END;");

    /** Run as run runs a script, on a MiniCluster: Flink's runtime, code generation, windows and state. */
    private static final String TRAINING_JOB = String.join("\n",
            "CREATE TABLE t_src (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)",
            "  WITH ('connector' = 'datagen', 'number-of-rows' = '200', 'fields.k.length' = '1');",
            "CREATE TABLE t_windows (ws TIMESTAMP(3), k STRING, n BIGINT) WITH ('connector' = 'blackhole');",
            "CREATE TABLE t_counts (k STRING, n BIGINT) WITH ('connector' = 'blackhole');",
            "INSERT INTO t_windows SELECT window_start, k, COUNT(*)",
            "  FROM TABLE(TUMBLE(TABLE t_src, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k;",
            "INSERT INTO t_counts SELECT k, COUNT(*) FROM t_src GROUP BY k;");

    /**
     * What build.sh runs once under -XX:ArchiveClassesAtExit, so the JVM records the classes a runner
     * loads into the target's class archive (class data sharing): a script planned as validate plans
     * it, then a bounded job run as run runs it. Later JVMs map those classes instead of loading and
     * verifying them: measured on 2 cores (3 pairs each), a bounded job's JVM took 6.0-7.2 s instead of
     * 8.0-9.4 s, a validator's first answer 2.0-2.6 s instead of 3.2-3.7 s (the runner's README).
     */
    public static int classArchiveTraining(String[] args) throws Exception {
        if (args.length > 0) {
            System.err.println("class-archive-training: takes no arguments");
            return 2;
        }
        validateScript(TRAINING_PLAN, new LinkedHashMap<>(), new ArrayList<>());
        Path script = Files.createTempFile("streamt-class-archive-", ".sql");
        try {
            Files.writeString(script, TRAINING_JOB, StandardCharsets.UTF_8);
            return run(new String[] {script.toString()});
        } finally {
            Files.deleteIfExists(script);
        }
    }

    // ================================================================== validate

    /** Thrown when one statement of a script fails; carries where. */
    static final class StatementFailure extends Exception {
        final int index;
        final SqlSplitter.Statement statement;

        StatementFailure(int index, SqlSplitter.Statement statement, Throwable cause) {
            super(cause);
            this.index = index;
            this.statement = statement;
        }
    }

    private static final String WARMUP_SCRIPT = String.join("\n",
            "SET 'table.exec.source.idle-timeout' = '1 s';",
            "CREATE TABLE w_src (k STRING, v DECIMAL(10, 2), ts TIMESTAMP(3),",
            "  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');",
            "CREATE TABLE w_dst (ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, s DECIMAL(10, 2))",
            "  WITH ('connector' = 'blackhole');",
            "CREATE TEMPORARY VIEW w_v AS SELECT * FROM w_src WHERE v > 0;",
            "INSERT INTO w_dst SELECT window_start, window_end, k, COUNT(*), SUM(v)",
            "  FROM TABLE(TUMBLE(TABLE w_v, DESCRIPTOR(ts), INTERVAL '1' HOUR))",
            "  GROUP BY window_start, window_end, k;");

    /**
     * Answers validation requests (JSON lines on stdin) in the order they came. Scripts are planned on
     * {@code --threads} threads (default: one per processor, at most four), each in a TableEnvironment of
     * its own: planning is CPU-bound, and a batch of scripts (synth --validate of a project) would
     * otherwise use one core of many.
     */
    public static int validate(String[] args) throws Exception {
        boolean warmup = false;
        int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--warmup")) {
                warmup = true;
            } else if (a.equals("--threads") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,2}")) {
                threads = Integer.parseInt(args[++i]);
            } else {
                System.err.println("validate: unknown option " + a + " (options: --warmup, --threads <1-999>)");
                return 2;
            }
        }
        ExecutorService planners = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "streamt-validate");
            t.setDaemon(true);
            return t;
        });
        if (warmup) {
            // Pays the one-time costs (planner class loading, JIT) before the first request arrives;
            // reported on stderr only. Requests read meanwhile wait for it in the pool's queue.
            planners.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    validateScript(WARMUP_SCRIPT, null, null);
                    System.err.println("validate: warm-up took " + ms(t0) + " ms");
                } catch (Throwable t) {
                    System.err.println("validate: warm-up failed: " + errorMessage(t));
                }
            });
        }
        // Answers leave in request order: the writer takes each request's future in turn.
        BlockingQueue<Future<Json.Obj>> answers = new LinkedBlockingQueue<>();
        Future<Json.Obj> endOfInput = CompletableFuture.completedFuture(null);
        Thread writer = new Thread(() -> {
            try {
                for (Future<Json.Obj> next = answers.take(); next != endOfInput; next = answers.take()) {
                    Out.event(next.get());
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("validate: an answer was lost", e); // answer() catches every Throwable
            }
        }, "streamt-validate-answers");
        writer.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String request = line;
            answers.put(planners.submit(() -> answer(request)));
        }
        answers.put(endOfInput);
        writer.join();
        planners.shutdownNow();
        return 0;
    }

    /** The answer to one request line: the script's validation, or why the request itself is bad. */
    private static Json.Obj answer(String line) {
        long t0 = System.nanoTime();
        String id = null;
        String script;
        boolean wantSchemas;
        boolean wantExplain;
        try {
            Object req = Json.parse(line);
            if (!(req instanceof Map)) throw new IllegalArgumentException("request must be a JSON object");
            Map<?, ?> m = (Map<?, ?>) req;
            Object idv = m.get("id");
            id = idv == null ? null : String.valueOf(idv);
            Object sv = m.get("script");
            if (!(sv instanceof String)) throw new IllegalArgumentException("request needs a string field \"script\"");
            script = (String) sv;
            wantSchemas = Boolean.TRUE.equals(m.get("viewSchemas"));
            wantExplain = Boolean.TRUE.equals(m.get("explain"));
        } catch (RuntimeException e) {
            return Json.obj().put("id", id).put("ok", false).put("statementIndex", 0)
                    .put("error", "bad request: " + e.getMessage()).put("ms", ms(t0));
        }
        try {
            Map<String, List<String>> schemas = wantSchemas ? new LinkedHashMap<>() : null;
            List<String> plans = wantExplain ? new ArrayList<>() : null;
            int n = validateScript(script, schemas, plans);
            Json.Obj answer = Json.obj().put("id", id).put("ok", true).put("statements", n);
            if (schemas != null) answer.putRaw("viewSchemas", schemasJson(schemas));
            if (plans != null) answer.put("explain", String.join("\n", plans));
            return answer.put("ms", ms(t0));
        } catch (StatementFailure f) {
            return failure(id, f, t0);
        } catch (Throwable t) {
            return Json.obj().put("id", id).put("ok", false).put("statementIndex", 0)
                    .put("error", errorMessage(t)).put("ms", ms(t0));
        }
    }

    private static Json.Obj failure(String id, StatementFailure f, long t0) {
        String err = errorMessage(f.getCause());
        Json.Obj o = Json.obj().put("id", id).put("ok", false)
                .put("statementIndex", f.index)
                .put("statement", f.statement.text)
                .put("line", f.statement.line)
                .put("error", err);
        Matcher m = POSITION.matcher(err);
        if (m.find()) {
            int relLine = Integer.parseInt(m.group(1));
            int relCol = Integer.parseInt(m.group(2));
            o.put("errorLine", f.statement.line + relLine - 1);
            o.put("errorColumn", relLine == 1 ? f.statement.column + relCol - 1 : relCol);
        }
        return o.put("ms", ms(t0));
    }

    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static TableEnvironment newTableEnvironment(Configuration conf) {
        return TableEnvironment.create(EnvironmentSettings.newInstance()
                .inStreamingMode()
                .withConfiguration(conf)
                .build());
    }

    private static final Pattern CREATE_VIEW = Pattern.compile("^\\s*CREATE\\s+(?:TEMPORARY\\s+)?VIEW\\s+`((?:[^`]|``)+)`", Pattern.CASE_INSENSITIVE);

    /** {"view": ["col TYPE", ...], ...}: the planner's resolved schema of each view, for type checks. */
    private static String schemasJson(Map<String, List<String>> schemas) {
        StringBuilder sb = new StringBuilder("{");
        boolean firstView = true;
        for (Map.Entry<String, List<String>> e : schemas.entrySet()) {
            if (!firstView) sb.append(',');
            firstView = false;
            Json.quote(sb, e.getKey());
            sb.append(":[");
            for (int i = 0; i < e.getValue().size(); i++) {
                if (i > 0) sb.append(',');
                Json.quote(sb, e.getValue().get(i));
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    /**
     * Validates one script in a fresh TableEnvironment; returns the number of statements. With
     * {@code schemas}, also records each view's resolved columns as "name TYPE" (Flink's type text); with
     * {@code plans}, the EXPLAIN text of each INSERT or statement set (AST, optimized physical and execution plans).
     */
    static int validateScript(String script, Map<String, List<String>> schemas, List<String> plans) throws StatementFailure {
        List<SqlSplitter.Statement> statements = SqlSplitter.split(script);
        TableEnvironment tEnv = newTableEnvironment(new Configuration());
        int index = 0;
        for (SqlSplitter.Statement st : statements) {
            index++;
            Kind kind = kindOf(st);
            try {
                switch (kind) {
                    case STATEMENT_SET:
                        StatementSet set = tEnv.createStatementSet();
                        for (SqlSplitter.Statement inner : SqlSplitter.innerStatements(st)) {
                            try {
                                set.addInsertSql(stripExecute(inner));
                            } catch (Throwable t) {
                                throw new StatementFailure(index, inner, t);
                            }
                        }
                        String setPlan = set.explain();
                        if (plans != null) plans.add(setPlan);
                        break;
                    case QUERY:
                    case CREATE_TABLE_AS:
                        String plan = tEnv.explainSql(stripExecute(st));
                        if (plans != null) plans.add(plan);
                        break;
                    case SET:
                        applySet(tEnv, st);
                        break;
                    default:
                        tEnv.executeSql(st.text);
                        Matcher view = CREATE_VIEW.matcher(st.text);
                        if (schemas != null && view.find()) {
                            String name = view.group(1).replace("``", "`");
                            List<String> columns = new ArrayList<>();
                            tEnv.from("`" + view.group(1) + "`").getResolvedSchema().getColumns()
                                    .forEach(c -> columns.add(c.getName() + " " + c.getDataType().getLogicalType().asSummaryString()));
                            schemas.put(name, columns);
                        }
                }
            } catch (StatementFailure f) {
                throw f;
            } catch (Throwable t) {
                throw new StatementFailure(index, st, t);
            }
        }
        return statements.size();
    }

    enum Kind { STATEMENT_SET, QUERY, CREATE_TABLE_AS, SET, OTHER }

    private static final Pattern SET_QUOTED = Pattern.compile(
            "(?s)^SET\\s+'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SET_PLAIN = Pattern.compile(
            "(?s)^SET\\s+([^\\s=']+)\\s*=\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern RESET_QUOTED = Pattern.compile(
            "(?s)^RESET\\s+'((?:[^']|'')*)'$", Pattern.CASE_INSENSITIVE);
    private static final Pattern RESET_PLAIN = Pattern.compile(
            "(?s)^RESET\\s+([^\\s']+)$", Pattern.CASE_INSENSITIVE);

    /**
     * SET 'k' = 'v' / RESET 'k': TableEnvironment.executeSql does not accept these (the SQL
     * client handles them itself), so they are applied to the TableConfig here.
     */
    static void applySet(TableEnvironment tEnv, SqlSplitter.Statement st) {
        String t = st.text.strip();
        Matcher m;
        if ((m = SET_QUOTED.matcher(t)).matches() || (m = SET_PLAIN.matcher(t)).matches()) {
            String key = m.group(1).replace("''", "'").strip();
            String value = m.group(2).replace("''", "'");
            if (key.isEmpty()) throw new IllegalArgumentException("SET needs a non-empty key");
            tEnv.getConfig().set(key, value);
            return;
        }
        if ((m = RESET_QUOTED.matcher(t)).matches() || (m = RESET_PLAIN.matcher(t)).matches()) {
            tEnv.getConfig().getConfiguration().removeKey(m.group(1).replace("''", "'").strip());
            return;
        }
        if (t.equalsIgnoreCase("SET") || t.equalsIgnoreCase("RESET")) return; // list / reset-all: no-op
        throw new IllegalArgumentException("invalid " + st.keyword() + " statement; expected SET 'key' = 'value' or RESET 'key'");
    }

    private static final Pattern CTAS = Pattern.compile(
            "(?is)^CREATE\\s+(OR\\s+REPLACE\\s+)?(TEMPORARY\\s+)?TABLE\\b.*\\bAS\\s*\\(?\\s*(SELECT|WITH|VALUES)\\b.*");
    private static final Pattern REPLACE_AS = Pattern.compile(
            "(?is)^REPLACE\\s+TABLE\\b.*\\bAS\\s*\\(?\\s*(SELECT|WITH|VALUES)\\b.*");

    static Kind kindOf(SqlSplitter.Statement st) {
        if (st.statementSet) return Kind.STATEMENT_SET;
        List<String> w = st.leadingWords;
        String k = st.keyword();
        if (k.equals("EXECUTE") && w.size() > 1) k = w.get(1);
        switch (k) {
            case "SET":
            case "RESET":
                return Kind.SET;
            case "INSERT":
            case "SELECT":
            case "WITH":
            case "VALUES":
                return Kind.QUERY;
            case "CREATE":
            case "REPLACE": {
                String blank = blankQuoted(st.text);
                if (CTAS.matcher(blank).matches() || REPLACE_AS.matcher(blank).matches()) return Kind.CREATE_TABLE_AS;
                return Kind.OTHER;
            }
            default:
                return Kind.OTHER;
        }
    }

    /** "EXECUTE INSERT INTO ..." -> "INSERT INTO ...". */
    static String stripExecute(SqlSplitter.Statement st) {
        if (st.keyword().equals("EXECUTE") && !st.statementSet) {
            return st.text.replaceFirst("(?is)^EXECUTE\\s+", "");
        }
        return st.text;
    }

    /** Replaces the contents of quoted regions by spaces (for keyword matching). */
    static String blankQuoted(String s) {
        StringBuilder sb = new StringBuilder(s);
        char q = 0;
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (q == 0) {
                if (c == '\'' || c == '`' || c == '"') q = c;
            } else if (c == q) {
                q = 0;
            } else {
                sb.setCharAt(i, ' ');
            }
        }
        return sb.toString();
    }

    /**
     * Runs a script's statements in {@code tEnv} in order (SET / RESET applied to its configuration, DDL executed)
     * and gathers its INSERTs, alone or in EXECUTE STATEMENT SET blocks, into one statement set: the job the
     * script describes, not yet submitted. Null when the script has no INSERT. {@code runner} names the caller
     * in refusals.
     */
    static StatementSet prepareJob(TableEnvironment tEnv, List<SqlSplitter.Statement> statements, String runner) throws StatementFailure {
        StatementSet set = tEnv.createStatementSet();
        int inserts = 0;
        int index = 0;
        for (SqlSplitter.Statement st : statements) {
            index++;
            try {
                switch (kindOf(st)) {
                    case STATEMENT_SET:
                        for (SqlSplitter.Statement inner : SqlSplitter.innerStatements(st)) {
                            try {
                                set.addInsertSql(stripExecute(inner));
                                inserts++;
                            } catch (Throwable t) {
                                throw new StatementFailure(index, inner, t);
                            }
                        }
                        break;
                    case QUERY:
                        if (!stripExecute(st).toUpperCase().startsWith("INSERT")) {
                            throw new IllegalArgumentException(runner + " executes INSERT statements only; a bare query has no sink");
                        }
                        set.addInsertSql(stripExecute(st));
                        inserts++;
                        break;
                    case CREATE_TABLE_AS:
                        throw new IllegalArgumentException(
                                "CREATE TABLE ... AS SELECT is not supported by " + runner + "; use CREATE TABLE and INSERT INTO");
                    case SET:
                        applySet(tEnv, st);
                        break;
                    default:
                        tEnv.executeSql(st.text);
                }
            } catch (StatementFailure f) {
                throw f;
            } catch (Throwable t) {
                throw new StatementFailure(index, st, t);
            }
        }
        return inserts == 0 ? null : set;
    }

    // ================================================================== run

    public static int run(String[] args) throws Exception {
        String scriptPath = null;
        String checkpointDir = null;
        String restore = null;
        boolean watchStdin = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--checkpoint-dir": checkpointDir = args[++i]; break;
                case "--restore": restore = args[++i]; break;
                case "--watch-stdin": watchStdin = true; break;
                default:
                    if (a.startsWith("--") || scriptPath != null) {
                        Out.event(Json.obj().put("event", "failed").put("error", "unknown argument " + a));
                        return 2;
                    }
                    scriptPath = a;
            }
        }
        if (scriptPath == null) {
            Out.event(Json.obj().put("event", "failed")
                    .put("error", "usage: run <script.sql> [--checkpoint-dir <dir>] [--restore <path>] [--watch-stdin]"));
            return 2;
        }
        String script;
        try {
            script = EnvReferences.resolve(Files.readString(Path.of(scriptPath), StandardCharsets.UTF_8), System.getenv());
        } catch (IllegalArgumentException e) {
            Out.event(Json.obj().put("event", "failed").put("error", e.getMessage()));
            return 2;
        }
        boolean flink1 = EnvironmentInformation.getVersion().startsWith("1.");

        Configuration conf = new Configuration();
        Path cpDir = null;
        if (checkpointDir != null) {
            cpDir = Path.of(checkpointDir).toAbsolutePath();
            Files.createDirectories(cpDir);
            String uri = cpDir.toUri().toString(); // file:///...
            conf.setString("execution.checkpointing.dir", uri); // 1.20 and 2.x (1.x fallback: state.checkpoints.dir)
            conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
            conf.setString("execution.checkpointing.num-retained", "1");
        }
        if (restore != null) {
            String p = restore.contains("://") ? restore : new File(restore).getAbsoluteFile().toURI().toString();
            conf.setString("execution.state-recovery.path", p); // 2.x key (also known to 1.20)
            if (flink1) conf.setString("execution.savepoint.path", p); // the key 1.20's executor reads
        }

        TableEnvironment tEnv = newTableEnvironment(conf);
        StatementSet set;
        try {
            set = prepareJob(tEnv, SqlSplitter.split(script), "run");
        } catch (StatementFailure f) {
            Json.Obj o = Json.obj().put("event", "failed")
                    .put("statementIndex", f.index)
                    .put("statement", f.statement.text)
                    .put("line", f.statement.line)
                    .put("error", errorMessage(f.getCause()));
            Out.event(o);
            return 1;
        }
        if (set == null) {
            Out.event(Json.obj().put("event", "failed").put("error", "the script has no INSERT INTO statement"));
            return 1;
        }

        TableResult result;
        try {
            result = set.execute();
        } catch (Throwable t) {
            Out.event(Json.obj().put("event", "failed").put("error", errorMessage(t)));
            return 1;
        }
        JobClient client = result.getJobClient().orElse(null);
        String jobId = client == null ? null : client.getJobID().toString();
        Out.event(Json.obj().put("event", "submitted").put("jobId", jobId));

        AtomicBoolean stopping = new AtomicBoolean(false);
        AtomicBoolean done = new AtomicBoolean(false);
        final Path jobCpDir = cpDir == null || jobId == null ? null : cpDir.resolve(jobId);
        Thread hook = new Thread(() -> {
            if (done.get()) return;
            stopping.set(true);
            try {
                if (client != null) client.cancel().get(15, TimeUnit.SECONDS);
            } catch (Throwable t) {
                System.err.println("cancel: " + errorMessage(t));
            }
            Json.Obj o = Json.obj().put("event", "cancelled");
            String last = jobCpDir == null ? null : latestCheckpoint(jobCpDir);
            if (last != null) o.put("lastCheckpoint", last);
            Out.event(o);
        }, "streamt-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        if (watchStdin) Out.exitOnStdinClose("cancelling the job");

        AtomicReference<String> failedTask = new AtomicReference<>();
        if (client != null) {
            Thread monitor = new Thread(() -> monitorFailures(client, done, failedTask), "streamt-failure-monitor");
            monitor.setDaemon(true);
            monitor.start();
        }

        Thread poller = null;
        if (jobCpDir != null) {
            poller = new Thread(() -> pollCheckpoints(jobCpDir, done), "streamt-checkpoint-poller");
            poller.setDaemon(true);
            poller.start();
        }

        try {
            result.await();
            done.set(true);
            Out.event(Json.obj().put("event", "finished").put("jobId", jobId));
            return 0;
        } catch (Throwable t) {
            if (stopping.get()) {
                // the shutdown hook cancelled the job; it reports "cancelled"
                Thread.sleep(Long.MAX_VALUE);
            }
            done.set(true);
            Json.Obj o = Json.obj().put("event", "failed").put("jobId", jobId).put("error", errorMessage(t));
            String task = client == null ? null : finalFailingTask(client);
            if (task == null) task = failedTask.get();
            if (task != null) o.put("task", task);
            Out.event(o);
            return 1;
        }
    }

    /**
     * Prints {"event":"restarting","jobId":...,"restarts":N,"error":...} for each task failure Flink
     * recovers from by restarting (a record that fails the job is replayed, so this repeats forever).
     * Polls the MiniCluster's execution graph every 200 ms: its failure info changes (a new timestamp)
     * on each failure, and the job stays RUNNING under region failover, so its status alone misses them.
     * A failure that ends the job is not reported here: the job's result reports it as "failed".
     */
    private static void monitorFailures(JobClient client, AtomicBoolean done, AtomicReference<String> failedTask) {
        MiniCluster cluster = miniClusterOf(client);
        if (cluster == null) {
            System.err.println("run: cannot watch the job for restarts (no MiniCluster behind " + client.getClass().getName() + ")");
            return;
        }
        JobID jobId = client.getJobID();
        long lastFailure = -1;
        int restarts = 0;
        while (!done.get()) {
            try {
                AccessExecutionGraph graph = cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS);
                ErrorInfo failure = graph.getFailureInfo();
                JobStatus state = graph.getState();
                String task = failure == null ? null : failingTask(graph);
                if (state == JobStatus.FAILING || state == JobStatus.FAILED) {
                    failedTask.set(task); // the final failure's task, should the cluster be gone when the job's result arrives
                } else if (failure != null && failure.getTimestamp() != lastFailure && !state.isTerminalState()) {
                    lastFailure = failure.getTimestamp();
                    restarts++;
                    Json.Obj o = Json.obj().put("event", "restarting").put("jobId", jobId.toString())
                            .put("restarts", restarts).put("error", errorMessage(failure.getException()));
                    if (task != null) o.put("task", task);
                    Out.event(o);
                }
                if (state.isGloballyTerminalState()) return;
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // the job may be gone (finished, cancelled): its result says how it ended
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The task whose attempt failed last, e.g. "Source: orders[1] -> Calc[2] -> ... (1/1)": it names
     * the source table whose chain failed. Null if no attempt has a failure.
     */
    private static String failingTask(AccessExecutionGraph graph) {
        String task = null;
        long latest = Long.MIN_VALUE;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            List<AccessExecution> attempts = new ArrayList<>(v.getExecutionHistory().getHistoricalExecutions());
            attempts.add(v.getCurrentExecutionAttempt());
            for (AccessExecution a : attempts) {
                ErrorInfo f = a.getFailureInfo().orElse(null);
                if (f != null && f.getTimestamp() > latest) {
                    latest = f.getTimestamp();
                    task = v.getTaskNameWithSubtaskIndex();
                }
            }
        }
        return task;
    }

    /**
     * The failing task of a job that ended FAILED, asked of the MiniCluster right away: Flink shuts
     * the cluster down once the job has ended, so this is best effort (the fallback is the monitor's
     * sight of the job FAILING, if it polled in that moment).
     */
    private static String finalFailingTask(JobClient client) {
        MiniCluster cluster = miniClusterOf(client);
        if (cluster == null) return null;
        try {
            return failingTask(cluster.getExecutionGraph(client.getJobID()).get(2, TimeUnit.SECONDS));
        } catch (Throwable t) {
            return null; // already shut down
        }
    }

    /** The MiniCluster a local job runs on (a private field of Flink's MiniClusterJobClient). */
    private static MiniCluster miniClusterOf(JobClient client) {
        for (Class<?> c = client.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("miniCluster");
                f.setAccessible(true);
                Object v = f.get(client);
                return v instanceof MiniCluster ? (MiniCluster) v : null;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (Throwable t) {
                return null;
            }
        }
        return null;
    }

    /** Prints {"event":"checkpoint","id":N,"path":...} for each new completed checkpoint. */
    private static void pollCheckpoints(Path jobCpDir, AtomicBoolean done) {
        String lastSeen = null;
        while (!done.get()) {
            String latest = latestCheckpoint(jobCpDir);
            if (latest != null && !latest.equals(lastSeen)) {
                lastSeen = latest;
                String name = Path.of(latest).getFileName().toString();
                long id = Long.parseLong(name.substring("chk-".length()));
                Out.event(Json.obj().put("event", "checkpoint").put("id", id).put("path", latest));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The newest chk-N directory under the job's checkpoint directory that has _metadata. */
    static String latestCheckpoint(Path jobCpDir) {
        File[] dirs = jobCpDir.toFile().listFiles((d, n) -> n.matches("chk-\\d+"));
        if (dirs == null) return null;
        long best = -1;
        File bestDir = null;
        for (File d : dirs) {
            if (!new File(d, "_metadata").isFile()) continue;
            long n = Long.parseLong(d.getName().substring(4));
            if (n > best) {
                best = n;
                bestDir = d;
            }
        }
        return bestDir == null ? null : bestDir.getAbsolutePath();
    }

    // ================================================================== errors

    private static final Pattern CLASS_PREFIX =
            Pattern.compile("^(?:[a-zA-Z_$][\\w$]*\\.)+[\\w$]*(?:Exception|Error|Throwable)(?::\\s*|$)");

    private static final Pattern NOISE = Pattern.compile(
            "(?s)Failed to wait job finish|Job execution failed\\.?|Recovery is suppressed by \\w+|"
                    + "Failed to deserialize consumer record due to|Could not forward element to next operator|"
                    + "Failed to execute sql|Failed to execute job '.*'\\.?");
    /**
     * The Kafka connector's (3.x, Flink 1.20) "Failed to deserialize consumer record ConsumerRecord(topic = t,
     * partition = 0, leaderEpoch = 0, offset = 1, ..., value = [B@6e26dda3)." (the 2.x connector says only
     * "Failed to deserialize consumer record due to", which is dropped as noise).
     */
    private static final Pattern CONSUMER_RECORD = Pattern.compile(
            "(?s)^Failed to deserialize consumer record ConsumerRecord\\(topic = (.*?), partition = (\\d+),.*?\\boffset = (\\d+),.*$");
    /** "SQL validation failed. SQL validation failed. X" -> "SQL validation failed. X". */
    private static final Pattern REPEATED_PREFIX = Pattern.compile("^(.{5,80}?\\. )\\1+");

    /** The distinct messages of the cause chain, outermost first, without stack traces. */
    public static String errorMessage(Throwable top) {
        List<String> parts = new ArrayList<>();
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable last = null;
        for (Throwable t = top; t != null && seen.add(t) && parts.size() < 12; t = t.getCause()) {
            last = t;
            if (t instanceof java.util.concurrent.ExecutionException
                    || t instanceof java.util.concurrent.CompletionException
                    || t instanceof java.lang.reflect.InvocationTargetException) {
                continue; // wrappers
            }
            String m = t.getMessage();
            if (m == null) continue;
            m = CLASS_PREFIX.matcher(m.strip()).replaceFirst("").strip();
            if (m.isEmpty()) continue;
            boolean dup = false;
            for (String p : parts) {
                if (p.contains(m)) {
                    dup = true;
                    break;
                }
            }
            if (!dup) parts.add(m);
        }
        if (parts.isEmpty()) return last == null ? "unknown error" : last.getClass().getName();
        // drop generic wrapper messages when something more specific follows
        List<String> useful = new ArrayList<>();
        for (String p : parts) if (!NOISE.matcher(p).matches()) useful.add(p);
        if (useful.isEmpty()) useful = parts;
        List<String> cleaned = new ArrayList<>();
        for (String p : useful) {
            p = REPEATED_PREFIX.matcher(p).replaceFirst("$1");
            cleaned.add(CONSUMER_RECORD.matcher(p).replaceFirst("Failed to deserialize the record at topic $1, partition $2, offset $3"));
        }
        return String.join("\nCaused by: ", cleaned);
    }
}
