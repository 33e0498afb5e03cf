package io.latentforge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.fs.HadoopFiles;
import io.latentforge.LatentforgeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionManifestTest {

  @TempDir
  Path tmp;

  private PartitionManifest writeAndRead(PartitionManifest manifest) throws IOException {
    Path partition = Files.createTempDirectory(tmp, "run_date=");
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(partition.toString(), TableSink.MANIFEST);
    HadoopFiles.writeJson(new Configuration(), file, manifest.published("2026-11-30", 7, "20261130T010203Z-0123abcd"));
    assertThat(Files.readString(partition.resolve(TableSink.MANIFEST))).contains("\"format_version\" : 1");
    return TableSink.manifest(new Configuration(), new org.apache.hadoop.fs.Path(partition.toString()));
  }

  @Test
  void everyKindOfManifestSurvivesWritingAndReading() throws IOException {
    for (PartitionManifest manifest : new PartitionManifest[] {
        PartitionManifest.codes("image-deep-2026-11-30-0123abcd", "ab".repeat(32), 16, true, 3, "/data/images"),
        PartitionManifest.rejects("/data/images", Map.of("image_undecodable", 2L, "null_id", 1L)),
        PartitionManifest.step("image-deep-2026-11-30-0123abcd", Map.of("k", 10, "metric", "cosine"))}) {
      assertThat(writeAndRead(manifest)).isEqualTo(manifest.published("2026-11-30", 7, "20261130T010203Z-0123abcd"));
    }
    assertThat(writeAndRead(PartitionManifest.codes("m", "s", 16, true, 0, "in")).binary()).isTrue();
  }

  @Test
  void aPartitionWithoutAManifestHasNone() {
    assertThat(TableSink.manifest(new Configuration(), new org.apache.hadoop.fs.Path(tmp.toString()))).isNull();
  }

  @Test
  void aManifestOfANewerFormatIsRefusedWithTheVersionsNamed() {
    InputStream newer = new ByteArrayInputStream(
        "{\"format_version\": 3, \"row_count\": \"many\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> PartitionManifest.read(newer, "codes/run_date=2026-11-30/_MANIFEST.json"))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("codes/run_date=2026-11-30/_MANIFEST.json has format_version 3, newer than the 1");
  }

  /** Manifests as the releases before format versions wrote them (from the demo's and a nightly's runs). */
  @Test
  void manifestsWrittenBeforeFormatVersionsExistedStillRead() throws IOException {
    PartitionManifest codes = fixture("codes-manifest-before-versions.json");
    assertThat(codes).isEqualTo(new PartitionManifest(1, "2026-11-30", 2000L, "image-deep-2026-11-30-f36e9b59",
        "3d29453ba8787af7081201420c57d06a0a94bc98f34889b1a5402b951e67decb", 32, false, 0L, null,
        "/tmp/exp/demo/corpora/images", null, "2026-11-30T03:22:02.701939627Z", null, null));

    PartitionManifest rejects = fixture("rejects-manifest-before-versions.json");
    assertThat(rejects.rejectsByReason()).isEqualTo(Map.of("no_vocabulary_tokens", 2L));
    assertThat(rejects.rowCount()).isEqualTo(2L);
    assertThat(rejects.codeSize()).isNull();
  }

  private static PartitionManifest fixture(String name) throws IOException {
    try (InputStream in = PartitionManifestTest.class.getResourceAsStream("/formats/" + name)) {
      assertThat(in).as(name).isNotNull();
      return PartitionManifest.read(in, name);
    }
  }
}
