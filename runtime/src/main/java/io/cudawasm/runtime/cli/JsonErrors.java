package io.cudawasm.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * With {@code --json}, a command's failure is JSON too: what it would have written to standard error
 * becomes one object on standard output, {@code {"error", "message", "details": {"command", "exitCode",
 * "lines"}}} (the HTTP API's error shape), so {@code cuda-wasm discover --json | jq} never has to parse
 * text. {@code error} is {@code usage} for exit code 2 (bad options or input), else {@code failed}; the
 * exit code is the command's own. Commands without {@code --json}, and successful runs, are unchanged.
 */
final class JsonErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonErrors() {}

    /** Runs the parsed command; with {@code --json} set, turns its error output into a JSON object. */
    static int execute(ParseResult parsed, CommandLine.IExecutionStrategy strategy) {
        CommandLine leaf = leaf(parsed);
        if (!jsonRequested(leaf.getParseResult())) {
            return strategy.execute(parsed);
        }
        PrintWriter err = leaf.getErr();
        StringWriter captured = new StringWriter();
        leaf.setErr(new PrintWriter(captured, true));
        int code;
        try {
            code = strategy.execute(parsed);
        } catch (CommandLine.ExecutionException e) {
            // the command threw: let the usual handler word it (one line for bad input), into the capture
            Exception cause = e.getCause() instanceof Exception c ? c : e;
            try {
                code = leaf.getExecutionExceptionHandler().handleExecutionException(cause, leaf, leaf.getParseResult());
            } catch (Exception unhandled) {
                throw e;
            }
        } finally {
            leaf.setErr(err);
        }
        String text = captured.toString();
        if (code == 0 || text.isBlank()) {
            err.print(text); // warnings of a successful run stay what they were
            err.flush();
            return code;
        }
        PrintWriter out = leaf.getOut();
        out.println(toJson(leaf.getCommandName(), code, text));
        out.flush();
        return code;
    }

    /** A usage error (unknown option, bad value) of a command line that asked for JSON. */
    static boolean printUsageError(CommandLine.ParameterException e, String[] args) {
        if (!List.of(args).contains("--json")) {
            return false;
        }
        PrintWriter out = e.getCommandLine().getOut();
        out.println(toJson(e.getCommandLine().getCommandName(), 2, e.getMessage()));
        out.flush();
        return true;
    }

    static String toJson(String command, int exitCode, String errorText) {
        List<String> lines = errorText.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String first = lines.isEmpty() ? "" : lines.get(0);
        // "discover: no Prism Central URL" and "error: ..." read better without the prefix in a message field
        for (String prefix : List.of(command + ": ", "error: ")) {
            if (first.startsWith(prefix)) {
                first = first.substring(prefix.length());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("command", command);
        details.put("exitCode", exitCode);
        details.put("lines", lines);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", exitCode == 2 ? "usage" : "failed");
        doc.put("message", first);
        doc.put("details", details);
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error as JSON", e);
        }
    }

    private static CommandLine leaf(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p.commandSpec().commandLine();
    }

    private static boolean jsonRequested(ParseResult leaf) {
        return leaf != null && leaf.hasMatchedOption("--json") && Boolean.TRUE.equals(leaf.matchedOptionValue("--json", false));
    }
}
