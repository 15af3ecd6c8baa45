/**
 * An example of a third-party Superscope plugin: one {@link dev.superscope.plugins.architecture.Architecture} for
 * BLOOM, listed in {@code META-INF/services/dev.superscope.plugins.architecture.Architecture}, compiled against the
 * plugin API only. Drop its jar in a directory and pass {@code --plugin-path DIR} to use it.
 */
package dev.superscope.examples.bloom;
