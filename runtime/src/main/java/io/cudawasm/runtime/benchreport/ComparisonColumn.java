package io.cudawasm.runtime.benchreport;

/**
 * One column of a comparison.
 *
 * @param name    the column's heading: the file's label, a back end, or "label/backend"
 * @param backend the back end this column holds, null when columns are files
 */
public record ComparisonColumn(String name, LoadedResult source, String backend) {}
