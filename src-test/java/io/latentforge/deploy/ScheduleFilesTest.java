package io.latentforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ConfigLoader;
import io.latentforge.jobs.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The schedules in deploy/ name a main class, jar, registrator and latentforge options that exist,
 * and each passes the run date explicitly (so a missed night can be backfilled by date). The
 * command each one runs is parsed by the real command line, as the job would parse it.
 */
class ScheduleFilesTest {

  private static final Path ROOT = Path.of(System.getProperty("latentforge.root"));
  private static final Path SCHEDULES = ROOT.resolve("deploy/schedules");
  /** How the schedules spell "the date of this run". */
  private static final List<String> DATE_EXPRESSIONS = List.of("$(date +\\%F)", "$(date +%%F)", "%i",
      "${RUN_DATE:-$(date +%F)}", "{{ ds }}");

  @Test
  void submitScriptNamesAMainClassThatExists() throws Exception {
    Path submit = ROOT.resolve("deploy/submit.sh");
    assertThat(Files.isExecutable(submit)).isTrue();
    String script = Files.readString(submit);
    Matcher main = Pattern.compile("main_class=(\\S+)").matcher(script);
    assertThat(main.find()).isTrue();
    assertThat(Class.forName(main.group(1))).isEqualTo(Main.class);
    assertNoSerializerSettings(script);
    assertThat(script).contains(jarName());
  }

  @Test
  void cronEntriesRunNightlyWithValidOptionsAndAnExplicitDate() throws IOException {
    List<String> lines = Files.readAllLines(SCHEDULES.resolve("cron/latentforge")).stream()
        .filter(l -> l.matches("^[0-9*].*")).toList();
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertRunsSubmitScript(line);
      assertValidNightly(afterNightly(tokens(line)));
    }
  }

  @Test
  void systemdUnitsRunNightlyWithValidOptionsAndAnExplicitDate() throws IOException {
    for (String unit : List.of("latentforge-nightly.service", "latentforge-nightly@.service")) {
      String text = Files.readString(SCHEDULES.resolve("systemd").resolve(unit));
      Matcher exec = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(text);
      assertThat(exec.find()).as(unit).isTrue();
      assertRunsSubmitScript(exec.group(1));
      assertValidNightly(afterNightly(tokens(exec.group(1))));
    }
    String timer = Files.readString(SCHEDULES.resolve("systemd/latentforge-nightly.timer"));
    assertThat(timer).contains("OnCalendar=", "Persistent=true");
  }

  @Test
  void kubernetesCronJobRunsNightlyWithValidOptionsAndAnExplicitDate() throws IOException {
    String yaml = Files.readString(SCHEDULES.resolve("kubernetes/latentforge-nightly-cronjob.yaml"));
    assertThat(yaml).contains("kind: CronJob", "local:///opt/latentforge/" + jarName());
    Matcher args = Pattern.compile("(?s)- >-\\n(.*)$").matcher(yaml);
    assertThat(args.find()).isTrue();
    String command = args.group(1).replaceAll("\\s+", " ");
    assertRunsSubmitScript(command);
    assertValidNightly(afterNightly(tokens(command)));
    String dockerfile = Files.readString(SCHEDULES.resolve("kubernetes/Dockerfile"));
    assertThat(dockerfile).contains("jobs/target/" + jarName(), "deploy/submit.sh");
  }

  @Test
  void airflowDagSubmitsTheJarWithValidOptionsAndTheLogicalDate() throws Exception {
    String dag = Files.readString(SCHEDULES.resolve("airflow/latentforge_nightly.py"));
    assertThat(dag).contains("jobs/target/" + jarName(), "SparkSubmitOperator");
    Matcher javaClass = Pattern.compile("java_class=\"([^\"]+)\"").matcher(dag);
    assertThat(javaClass.find()).isTrue();
    assertThat(Class.forName(javaClass.group(1))).isEqualTo(Main.class);
    assertNoSerializerSettings(dag);
    Matcher args = Pattern.compile("(?s)application_args=\\[(.*?)\\]").matcher(dag);
    assertThat(args.find()).isTrue();
    List<String> argv = new ArrayList<>();
    // String literals, f-strings and the loop variables, bound as in the DAG's first iteration.
    Map<String, String> loop = Map.of("kind", "image", "corpus", "images");
    Matcher item = Pattern.compile("f?\"([^\"]*)\"|([A-Za-z_][A-Za-z_0-9]*)").matcher(args.group(1));
    while (item.find()) {
      argv.add(item.group(1) != null
          ? item.group(1).replace("{kind}", loop.get("kind")).replace("{corpus}", loop.get("corpus"))
          : loop.get(item.group(2)));
    }
    assertThat(argv).doesNotContainNull();
    assertValidNightly(afterNightly(argv));
  }

  // ---- helpers ----

  private static String jarName() {
    Path jar = Path.of(System.getProperty("latentforge.jobJar"));
    assertThat(jar).as("the shaded jar the schedules name is what the build produces").exists();
    return jar.getFileName().toString();
  }

  private static void assertRunsSubmitScript(String command) {
    assertThat(command).contains("/deploy/submit.sh ");
  }

  /** Kryo and its registrator are set in one place, by the job from spark.kryo (Sessions), not by launchers. */
  private static void assertNoSerializerSettings(String text) {
    assertThat(text).doesNotContain("spark.serializer", "spark.kryo.registrator");
  }


  /** The latentforge arguments after the command word "nightly", up to the end of the command. */
  private static List<String> afterNightly(List<String> tokens) {
    int shell = tokens.indexOf("-c");
    if (shell >= 0 && shell + 1 < tokens.size() && tokens.get(shell + 1).contains(" nightly ")) {
      tokens = tokens(tokens.get(shell + 1)); // bash -c '...': the command is one argument
    }
    int start = tokens.indexOf("nightly");
    assertThat(start).as("runs the nightly command: %s", tokens).isNotNegative();
    List<String> args = new ArrayList<>();
    for (String t : tokens.subList(start + 1, tokens.size())) {
      if (t.startsWith(">") || t.equals("||") || t.equals("2>&1")) {
        break;
      }
      args.add(t);
    }
    return args;
  }

  /** Parses {@code nightly ARGS} with the real command line, the date expression standing for a date. */
  private static void assertValidNightly(List<String> args) {
    int date = args.indexOf("--run-date");
    assertThat(date).as("passes --run-date explicitly: %s", args).isNotNegative();
    assertThat(DATE_EXPRESSIONS).as("the run date is the date of the run").contains(args.get(date + 1));
    List<String> argv = new ArrayList<>(List.of("nightly"));
    argv.addAll(args);
    argv.set(date + 2, "2026-11-27");
    CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(argv.toArray(String[]::new));
    CommandLine.ParseResult nightly = parsed.subcommand();
    assertThat(nightly.commandSpec().name()).isEqualTo("nightly");
    List<String> sets = nightly.hasMatchedOption("--set") ? nightly.matchedOptionValue("--set", List.of()) : List.of();
    ConfigLoader.load(null, sets); // every --set key exists and its value is valid
  }

  /** Splits a shell command line on blanks outside quotes, dropping the quotes. */
  static List<String> tokens(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    boolean inToken = false;
    for (char c : command.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          current.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          out.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (inToken) {
      out.add(current.toString());
    }
    return out;
  }
}
