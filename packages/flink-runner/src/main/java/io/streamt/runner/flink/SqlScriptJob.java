package io.streamt.runner.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The SQL runner of {@code synth --target k8s}: {@code SqlScriptJob <script.sql>} runs one pipeline's script as
 * the main class of a Flink application (the FlinkDeployment's job). It fills the script's '${env:NAME}'
 * secrets in from the process environment (the pod's variables, set from a Kubernetes Secret), runs its SETs
 * and DDL in order, submits its INSERT or EXECUTE STATEMENT SET as one job and waits for that job, as
 * {@code execute()} does in a DataStream program.
 *
 * <p>It uses the TableEnvironment of wherever it is started: inside a Flink cluster (application mode) the
 * job goes to that cluster; started with plain {@code java} it runs on a local MiniCluster (the e2e test).
 * Any failure ends the main method with {@link ScriptFailed}: one message naming the script, the statement
 * and Flink's reason, no stack trace, with every secret value masked. It never calls System.exit: in
 * application mode the main method runs inside the JobManager's JVM.
 */
public final class SqlScriptJob {
    private SqlScriptJob() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new ScriptFailed("usage: SqlScriptJob <script.sql> (got " + args.length + " arguments)");
        Path scriptPath = Path.of(args[0]);
        String template;
        try {
            template = Files.readString(scriptPath, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScriptFailed(scriptPath + ": cannot read the script: " + FlinkCommands.errorMessage(e));
        }
        String script;
        try {
            script = EnvReferences.resolve(template, System.getenv());
        } catch (IllegalArgumentException e) { // names the variable, never a value
            throw new ScriptFailed(scriptPath + ": " + e.getMessage());
        }
        List<String> secrets = EnvReferences.values(template, System.getenv());

        TableEnvironment tEnv = FlinkCommands.newTableEnvironment(new Configuration());
        StatementSet job;
        try {
            job = FlinkCommands.prepareJob(tEnv, SqlSplitter.split(script), "the SQL runner");
        } catch (FlinkCommands.StatementFailure f) {
            throw new ScriptFailed(masked(scriptPath + ": statement " + f.index + " (line " + f.statement.line + ") failed: "
                    + FlinkCommands.errorMessage(f.getCause()) + "\n" + f.statement.text, secrets));
        }
        if (job == null) throw new ScriptFailed(scriptPath + ": the script has no INSERT INTO statement, so there is no job to run");

        TableResult result;
        try {
            result = job.execute();
        } catch (Throwable t) {
            throw new ScriptFailed(masked(scriptPath + ": the job was not submitted: " + FlinkCommands.errorMessage(t), secrets));
        }
        String jobId = result.getJobClient().map(c -> c.getJobID().toString()).orElse("?");
        System.err.println("SqlScriptJob: " + scriptPath + ": submitted job " + jobId);
        try {
            result.await();
        } catch (Throwable t) {
            throw new ScriptFailed(masked(scriptPath + ": job " + jobId + " failed: " + FlinkCommands.errorMessage(t), secrets));
        }
    }

    /** Flink's messages may quote a statement or an option's value: no secret value leaves this class. */
    private static String masked(String text, List<String> secrets) {
        for (String value : secrets) text = text.replace(value, "***");
        return text;
    }

    /** The runner's refusal: its message is the whole report (no stack trace is recorded). */
    static final class ScriptFailed extends RuntimeException {
        ScriptFailed(String message) {
            super("streamt SQL runner: " + message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
