package io.latentforge.testing;

import org.apache.hadoop.mapreduce.JobContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import scala.collection.Seq;

/**
 * A commit protocol that fails at job commit, after every task has written its files: the crash a
 * writer must survive without damaging what was published. Enabled per session with
 * {@code spark.sql.sources.commitProtocolClass}.
 */
public class FailingCommitProtocol extends SQLHadoopMapReduceCommitProtocol {

  public FailingCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
    super(jobId, path, dynamicPartitionOverwrite);
  }

  @Override
  public void commitJob(JobContext jobContext, Seq<FileCommitProtocol.TaskCommitMessage> taskCommits) {
    throw new IllegalStateException("injected failure at job commit");
  }
}
