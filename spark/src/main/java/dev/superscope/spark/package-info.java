/**
 * The distributed runner on Apache Spark, in its own jar so the plain command never loads Spark. Models
 * as tasks ({@code run --master}): one task per model, each audited on an executor and recorded by the
 * driver as it finishes ({@link dev.superscope.spark.ModelsOnCluster}). Pairwise tiles as tasks
 * ({@code analyze --master}): one model's O(n^2 m) scan cut into slices of tile pairs scanned on the
 * executors and merged exactly ({@link dev.superscope.spark.TiledScan}). Found by the command through
 * {@link dev.superscope.pipeline.cluster.ClusterRunner}.
 */
package dev.superscope.spark;
