/**
 * Running an audit on a cluster ({@code --master}): the {@link dev.superscope.pipeline.cluster.ClusterRunner}
 * service the spark module provides, and what the command line hands it. The pipeline itself never
 * depends on a cluster framework.
 */
package dev.superscope.pipeline.cluster;
