package io.latentforge;

/**
 * A failure the user can act on: what went wrong, and how to fix it. The {@link Kind} decides
 * the process exit code, so schedulers can tell bad input from a crash.
 */
public final class LatentforgeException extends RuntimeException {

  /** Failure categories, each with the exit code documented in the README. */
  public enum Kind {
    /** Unknown option or config key, bad value, missing required option. */
    USAGE(2),
    /** The input does not exist or does not follow the data contract. */
    BAD_INPUT(3),
    /** More rows were rejected than input.max-reject-fraction allows. */
    TOO_MANY_REJECTS(4),
    /** Training produced a non-finite loss. */
    TRAINING_DIVERGED(5),
    /** Another run holds the output root's lock. */
    OUTPUT_LOCKED(6),
    /** A publish gate stopped the run; it is kept for review, and {@code promote} publishes it. */
    GATED(7),
    /** Anything else. */
    INTERNAL(1);

    public final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  private final Kind kind;

  private LatentforgeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** {@code problem}, then {@code fix} on its own line. */
  public static LatentforgeException usage(String problem, String fix) {
    return new LatentforgeException(Kind.USAGE, join(problem, fix), null);
  }

  public static LatentforgeException badInput(String problem, String fix) {
    return new LatentforgeException(Kind.BAD_INPUT, join(problem, fix), null);
  }

  public static LatentforgeException tooManyRejects(String problem, String fix) {
    return new LatentforgeException(Kind.TOO_MANY_REJECTS, join(problem, fix), null);
  }

  public static LatentforgeException diverged(String problem, String fix) {
    return new LatentforgeException(Kind.TRAINING_DIVERGED, join(problem, fix), null);
  }

  public static LatentforgeException locked(String problem, String fix) {
    return new LatentforgeException(Kind.OUTPUT_LOCKED, join(problem, fix), null);
  }

  public static LatentforgeException gated(String problem, String fix) {
    return new LatentforgeException(Kind.GATED, join(problem, fix), null);
  }

  public static LatentforgeException internal(String problem, Throwable cause) {
    return new LatentforgeException(Kind.INTERNAL, problem, cause);
  }

  /** This failure with {@code note} added to its problem, before the fix. */
  public LatentforgeException noting(String note) {
    String message = getMessage();
    int fix = message.indexOf("\n  Fix: ");
    String joined = fix < 0 ? message + " " + note : message.substring(0, fix) + " " + note + message.substring(fix);
    return new LatentforgeException(kind, joined, getCause());
  }

  private static String join(String problem, String fix) {
    return fix == null || fix.isEmpty() ? problem : problem + "\n  Fix: " + fix;
  }
}
