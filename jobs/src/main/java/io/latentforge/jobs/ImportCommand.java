package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.importers.Cifar10;
import io.latentforge.importers.Importer;
import io.latentforge.importers.JsonLines;
import io.latentforge.importers.LabelledDirectory;
import io.latentforge.importers.MnistIdx;
import io.latentforge.publish.CorpusWriter;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code latentforge import FORMAT SRC DEST}: writes a corpus in the input contract. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Convert a corpus to latentforge's input contract (Parquet: id, image|text, label). FORMAT: mnist-idx (MNIST/Fashion-MNIST IDX files, .gz or not), cifar10 (binary batches), image-dir (SRC/<label>/<image file>), text-dir (SRC/<label>/<document file>), jsonl (JSON Lines documents).")
public final class ImportCommand extends SparkJob {

  /** The formats, by their command-line names. */
  enum Format {
    MNIST_IDX, CIFAR10, IMAGE_DIR, TEXT_DIR, JSONL
  }

  @Parameters(index = "0", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "mnist-idx | cifar10 | image-dir | text-dir | jsonl")
  Format format;

  @Parameters(index = "1", paramLabel = "SRC", description = "The file or directory to import.")
  String source;

  @Parameters(index = "2", paramLabel = "DEST", description = "Where the Parquet corpus is written.")
  String dest;

  @Option(names = "--overwrite", description = "Replace DEST if it exists.")
  boolean overwrite;

  @Option(names = "--text-field", description = "jsonl: the field holding the text. Default: ${DEFAULT-VALUE}.")
  String textField = "text";

  @Option(names = "--id-field", description = "jsonl: the id field, if any. Default: ${DEFAULT-VALUE}.")
  String idField = "id";

  @Option(names = "--label-field", description = "jsonl: the label field, if any. Default: ${DEFAULT-VALUE}.")
  String labelField = "label";

  @Override
  String jobName() {
    return "import " + format.name().toLowerCase(Locale.ROOT);
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    long rows = Stage.run(spark, "latentforge.import", "import " + source + " to " + dest, () -> {
      CorpusWriter.write(spark, importer().read(spark, source), dest, overwrite);
      return spark.read().parquet(dest).count();
    });
    out.printf(Locale.ROOT, "imported %d rows from %s into %s%n", rows, source, dest);
  }

  private Importer importer() {
    return switch (format) {
      case MNIST_IDX -> new MnistIdx();
      case CIFAR10 -> new Cifar10();
      case IMAGE_DIR -> LabelledDirectory.images();
      case TEXT_DIR -> LabelledDirectory.documents();
      case JSONL -> new JsonLines(textField, idField, labelField);
    };
  }

  /** mnist-idx and friends to {@link Format}, with the valid names in the error. */
  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value
            + "' is not an import format; use mnist-idx, cifar10, image-dir, text-dir or jsonl");
      }
    }
  }
}
