/**
 * An example of a third-party Superscope plugin: the BLOOM architecture, as one
 * {@link dev.superscope.plugins.architecture.SpecArchitecture} (its tensor names, config keys and tying
 * default) with a forward pass ({@link dev.superscope.examples.bloom.BloomForward}) built on the PyTorch
 * backend's toolkit, listed in {@code META-INF/services/dev.superscope.plugins.architecture.Architecture}.
 * It compiles against the plugin API and the backend, both supplied by Superscope at run time: drop its
 * jar in a directory and pass {@code --plugin-path DIR} to audit BLOOM checkpoints and run {@code logits}
 * and {@code eval} on them.
 */
package dev.superscope.examples.bloom;
