package io.streamt.runner.flink;

import org.apache.flink.api.common.JobSubmissionResult;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * One MiniCluster for every job of the {@code serve} JVM, started once: a job then costs its planning
 * and its run, not a cluster's start and shut-down (~4 s each on this machine).
 *
 * <p>What is shared and what stays per job. The cluster is started with cluster settings only (task
 * slots, a random REST port); nothing of a job's configuration goes into it. Each job's table
 * environment gets its own StreamExecutionEnvironment, built from a fresh copy of that job's
 * configuration (restart strategy, checkpoint interval, savepoint to restore, and the script's SETs,
 * which the planner adds to that environment): a setting of one job can never reach the next. The
 * job is submitted as Flink's LocalExecutor submits it (same graph, same configuration), only to this
 * cluster, and its client leaves the cluster running when the job ends.
 */
final class SharedCluster {
    private SharedCluster() {}

    /**
     * Starts the cluster with {@code slots} task slots (a test job, at parallelism 1, takes one; a job
     * that finds none free waits in Flink's slot pool until one is) and makes every table environment
     * created afterwards in this JVM submit its jobs to it.
     */
    static MiniCluster start(int slots) throws Exception {
        Configuration clusterConf = new Configuration();
        clusterConf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        Context.install(cluster);
        return cluster;
    }

    /** Installs the context environment factory: StreamExecutionEnvironment's hook for it is protected. */
    private static final class Context extends StreamExecutionEnvironment {
        static void install(MiniCluster cluster) {
            ClassLoader classLoader = SharedCluster.class.getClassLoader();
            PipelineExecutorServiceLoader executors = new Executors(cluster);
            // TableEnvironment.create(settings) asks StreamExecutionEnvironment.getExecutionEnvironment(conf)
            // for its environment: one per job, from a copy of the job's configuration.
            initializeContextEnvironment(conf -> {
                Configuration job = new Configuration(conf);
                job.set(DeploymentOptions.TARGET, Executors.NAME); // the environment asks for one; this loader has only the shared cluster
                return new StreamExecutionEnvironment(executors, job, classLoader);
            });
        }
    }

    private static final class Executors implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {
        static final String NAME = "streamt-shared-minicluster";
        private final MiniCluster cluster;

        Executors(MiniCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(getName());
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return true;
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return this;
        }

        @Override
        public CompletableFuture<JobClient> execute(Pipeline pipeline, Configuration configuration, ClassLoader classLoader) throws Exception {
            return submit(jobOf(pipeline, configuration, classLoader))
                    .thenApply(r -> new MiniClusterJobClient(r.getJobID(), cluster, classLoader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        }

        /**
         * What the cluster runs, built as LocalExecutor builds it. Flink 2.x submits the StreamGraph (its
         * user objects serialized first), 1.20 a JobGraph; this one source builds for both, so the
         * calls that differ are looked up by name.
         */
        private Object jobOf(Pipeline pipeline, Configuration configuration, ClassLoader classLoader) throws Exception {
            try {
                Object streamGraph = invoke(PipelineExecutorUtils.class.getMethod("getStreamGraph", Pipeline.class, Configuration.class), null, pipeline, configuration);
                invoke(streamGraph.getClass().getMethod("serializeUserDefinedInstances"), streamGraph);
                return streamGraph;
            } catch (NoSuchMethodException flink120) {
                return invoke(PipelineExecutorUtils.class.getMethod("getJobGraph", Pipeline.class, Configuration.class, ClassLoader.class), null, pipeline, configuration, classLoader);
            }
        }

        @SuppressWarnings("unchecked")
        private CompletableFuture<JobSubmissionResult> submit(Object job) throws Exception {
            for (Method m : MiniCluster.class.getMethods()) {
                if (m.getName().equals("submitJob") && m.getParameterCount() == 1 && m.getParameterTypes()[0].isInstance(job)) {
                    return (CompletableFuture<JobSubmissionResult>) invoke(m, cluster, job);
                }
            }
            throw new IllegalStateException("this Flink's MiniCluster has no submitJob for a " + job.getClass().getName());
        }

        private static Object invoke(Method m, Object target, Object... args) throws Exception {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) throw (Exception) cause;
                throw e;
            }
        }
    }
}
