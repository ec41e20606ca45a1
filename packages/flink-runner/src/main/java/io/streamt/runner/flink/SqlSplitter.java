package io.streamt.runner.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a Flink SQL script into statements on top-level semicolons.
 *
 * <p>Understands '...' string literals ('' escapes a quote), `...` quoted identifiers (``
 * escapes a backtick), "..." quoted text, -- line comments and block comments (including
 * hints). A statement set, {@code EXECUTE STATEMENT SET BEGIN ...; ...; END;} (or the SQL
 * client's {@code BEGIN STATEMENT SET; ...; END;}), is returned as ONE statement.
 *
 * <p>The text of each statement starts at its first significant character (leading comments
 * and blank lines dropped) and ends before its terminating semicolon.
 */
public final class SqlSplitter {

    /** One statement of a script. */
    public static final class Statement {
        /** Statement text without the terminating semicolon. */
        public final String text;
        /** 1-based line in the script where the statement starts. */
        public final int line;
        /** 1-based column in the script where the statement starts. */
        public final int column;
        /** First significant words, upper-cased (at most 4). */
        public final List<String> leadingWords;
        /** True for EXECUTE STATEMENT SET BEGIN ... END / BEGIN STATEMENT SET; ... END. */
        public final boolean statementSet;

        Statement(String text, int line, int column, List<String> leadingWords, boolean statementSet) {
            this.text = text;
            this.line = line;
            this.column = column;
            this.leadingWords = leadingWords;
            this.statementSet = statementSet;
        }

        public String keyword() {
            return leadingWords.isEmpty() ? "" : leadingWords.get(0);
        }

        @Override
        public String toString() {
            return "Statement{line=" + line + ", set=" + statementSet + ", text=" + text + "}";
        }
    }

    private SqlSplitter() {}

    public static List<Statement> split(String script) {
        List<Statement> out = new ArrayList<>();
        final int n = script.length();
        int i = 0;
        int stmtStart = -1; // offset of first significant char of the current statement
        List<String> words = new ArrayList<>();
        boolean inSet = false; // inside a statement-set block: ';' does not end the statement
        String prevWord = null; // last word seen inside a statement-set block
        boolean setWantsTerminator = false; // saw END inside a block: next ';' ends it

        while (i < n) {
            char c = script.charAt(i);

            // comments
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                boolean hint = i + 2 < n && script.charAt(i + 2) == '+';
                if (hint && stmtStart < 0) stmtStart = i;
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }

            if (stmtStart < 0) stmtStart = i;

            // quoted regions
            if (c == '\'' || c == '`' || c == '"') {
                i = skipQuoted(script, i, c);
                setWantsTerminator = false;
                prevWord = null;
                continue;
            }

            // words
            if (Character.isLetter(c) || c == '_') {
                int s = i;
                while (i < n && (Character.isLetterOrDigit(script.charAt(i)) || script.charAt(i) == '_' || script.charAt(i) == '$')) i++;
                String w = script.substring(s, i).toUpperCase(Locale.ROOT);
                if (words.size() < 4) {
                    words.add(w);
                    if (!inSet && isSetStart(words)) inSet = true;
                }
                if (inSet) {
                    // END closes the block when it is directly followed by ';' or the end of
                    // input (a CASE ... END inside an INSERT is followed by more tokens).
                    setWantsTerminator = w.equals("END");
                    prevWord = w;
                }
                continue;
            }

            if (c == ';') {
                boolean ends = !inSet || setWantsTerminator;
                if (inSet && !setWantsTerminator && isBeginStatementSetHeader(words)) {
                    // the ';' right after "BEGIN STATEMENT SET" belongs to the block
                    ends = false;
                }
                if (ends) {
                    emit(out, script, stmtStart, i, words, inSet);
                    stmtStart = -1;
                    words = new ArrayList<>();
                    inSet = false;
                    setWantsTerminator = false;
                    prevWord = null;
                }
                i++;
                continue;
            }

            // any other character
            if (inSet) {
                // CASE ... END inside an inner statement is followed by other tokens, so an
                // END immediately before ';' is the block terminator; anything else resets.
                setWantsTerminator = false;
                prevWord = null;
            }
            i++;
        }
        if (stmtStart >= 0) emit(out, script, stmtStart, n, words, inSet);
        return out;
    }

    private static boolean isSetStart(List<String> w) {
        if (w.size() == 4
                && w.get(0).equals("EXECUTE")
                && w.get(1).equals("STATEMENT")
                && w.get(2).equals("SET")
                && w.get(3).equals("BEGIN")) return true;
        return isBeginStatementSetHeader(w);
    }

    private static boolean isBeginStatementSetHeader(List<String> w) {
        return w.size() >= 3
                && w.get(0).equals("BEGIN")
                && w.get(1).equals("STATEMENT")
                && w.get(2).equals("SET")
                && w.size() == 3;
    }

    private static int skipQuoted(String s, int i, char q) {
        int n = s.length();
        i++;
        while (i < n) {
            char c = s.charAt(i);
            if (c == q) {
                if (i + 1 < n && s.charAt(i + 1) == q) {
                    i += 2; // doubled quote = escaped quote
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n; // unterminated: runs to end of script; the parser reports it
    }

    private static void emit(List<Statement> out, String script, int start, int end, List<String> words, boolean set) {
        if (start < 0) return;
        String text = script.substring(start, end).strip();
        if (text.isEmpty()) return;
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < start; k++) {
            if (script.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        out.add(new Statement(text, line, start - lineStart + 1, List.copyOf(words), set));
    }

    /**
     * Returns the inner statements of a statement set, each as a Statement whose line is
     * absolute in the script (given the block's own start line).
     */
    public static List<Statement> innerStatements(Statement set) {
        String t = set.text;
        int bodyStart;
        String upper = t.toUpperCase(Locale.ROOT);
        if (set.keyword().equals("EXECUTE")) {
            bodyStart = indexOfWord(upper, "BEGIN", 0) + "BEGIN".length();
        } else {
            int semi = t.indexOf(';');
            bodyStart = semi < 0 ? t.length() : semi + 1;
        }
        // strip the trailing END
        int endIdx = upper.length();
        String trimmed = upper.stripTrailing();
        if (trimmed.endsWith("END")) endIdx = trimmed.length() - 3;
        String body = t.substring(Math.min(bodyStart, endIdx), endIdx);
        // line offset of the body inside the block
        int lineOffset = 0;
        for (int k = 0; k < bodyStart && k < t.length(); k++) if (t.charAt(k) == '\n') lineOffset++;
        List<Statement> inner = new ArrayList<>();
        for (Statement s : split(body)) {
            inner.add(new Statement(s.text, set.line + lineOffset + s.line - 1, s.column, s.leadingWords, false));
        }
        return inner;
    }

    private static int indexOfWord(String upper, String word, int from) {
        int idx = from;
        while ((idx = upper.indexOf(word, idx)) >= 0) {
            boolean before = idx == 0 || !Character.isLetterOrDigit(upper.charAt(idx - 1));
            int after = idx + word.length();
            boolean afterOk = after >= upper.length() || !Character.isLetterOrDigit(upper.charAt(after));
            if (before && afterOk) return idx;
            idx++;
        }
        return -1;
    }
}
