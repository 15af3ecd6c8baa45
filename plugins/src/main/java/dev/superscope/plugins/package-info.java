/**
 * The plugin API that every other Superscope module builds on.
 *
 * <p>Two service-provider interfaces are discovered with {@link java.util.ServiceLoader}:
 * {@link dev.superscope.plugins.architecture.Architecture} (finds the embedding and LM-head matrices of one
 * architecture in a {@link dev.superscope.plugins.Checkpoint}) and
 * {@link dev.superscope.plugins.Analyzer} (measures a {@link dev.superscope.plugins.Matrix}).
 * {@link dev.superscope.plugins.Plugins} is the registry that finds them, by name.
 *
 * <p>Matrices are never materialised whole: a {@link dev.superscope.plugins.Matrix} hands out row
 * blocks, usually straight from a memory-mapped file, and decodes F16/BF16/F64 to float32 on demand.
 * This module depends on no other module and on no third-party library.
 */
package dev.superscope.plugins;
