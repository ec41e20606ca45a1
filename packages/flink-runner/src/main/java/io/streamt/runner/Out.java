package io.streamt.runner;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol channel. stdout carries JSON lines only: at start-up the real stdout is kept
 * here and System.out is pointed at stderr, so anything else printing to System.out (the
 * 'print' connector, libraries) ends up on stderr.
 */
public final class Out {
    private static PrintStream out;

    private Out() {}

    public static synchronized void init() {
        if (out != null) return;
        out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
    }

    /** Writes one JSON line to the protocol channel and flushes it. */
    public static synchronized void event(Object json) {
        if (out == null) init();
        out.print(json.toString());
        out.print('\n');
        out.flush();
    }

    /**
     * Starts a daemon thread that exits the JVM (running shutdown hooks) when stdin reaches
     * end-of-file, i.e. when the parent process closed the pipe or died.
     */
    public static void exitOnStdinClose(String what) {
        Thread watcher = new Thread(() -> {
            try {
                byte[] buf = new byte[256];
                while (System.in.read(buf) >= 0) {
                    // input is ignored
                }
            } catch (java.io.IOException ignored) {
                // treated as closed
            }
            System.err.println("stdin closed: " + what);
            System.exit(0);
        }, "streamt-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
