package io.streamt.runner.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a script's secret references in: every string literal that is exactly '${env:NAME}' becomes the
 * quoted value of the environment variable NAME. Only {@code run} does this, in memory, just before the
 * job is built, so no value is ever in a file; {@code validate} keeps the placeholders (the planner needs
 * no credentials).
 */
final class EnvReferences {
    private static final Pattern REFERENCE = Pattern.compile("'\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)\\}'");

    private EnvReferences() {}

    static String resolve(String script, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(script);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(
                        "the script reads the environment variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement("'" + value.replace("'", "''") + "'"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The values a script's references resolve to, longest first (to mask a value that holds another whole). */
    static List<String> values(String script, Map<String, String> env) {
        List<String> values = new ArrayList<>();
        Matcher m = REFERENCE.matcher(script);
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value != null && !value.isEmpty()) values.add(value);
        }
        values.sort((a, b) -> b.length() - a.length());
        return values;
    }
}
