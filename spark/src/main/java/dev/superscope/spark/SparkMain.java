package dev.superscope.spark;

import dev.superscope.cli.Main;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The superscope command with the Spark runner on the class path: what {@code ./superscope ... --master}
 * runs, and the main class for {@code spark-submit}. Under spark-submit the master is spark-submit's own
 * {@code --master} (it reaches this process as the system property {@code spark.master}), so a
 * {@code run} or {@code analyze} without {@code --master} gets that one.
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        Main.main(withSubmittedMaster(args, System.getProperty("spark.master")).toArray(String[]::new));
    }

    /** {@code args}, plus {@code --master submitted} when they run or analyze without one. */
    static List<String> withSubmittedMaster(String[] args, String submitted) {
        List<String> out = new ArrayList<>(Arrays.asList(args));
        boolean distributes = out.contains("run") || out.contains("analyze");
        boolean named = out.stream().anyMatch(a -> a.equals("--master") || a.startsWith("--master="));
        if (submitted != null && !submitted.isBlank() && distributes && !named) {
            out.add("--master");
            out.add(submitted);
        }
        return out;
    }
}
