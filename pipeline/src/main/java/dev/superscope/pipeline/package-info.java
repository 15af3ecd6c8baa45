/**
 * Superscope's application logic as a library: what the commands do, without parsing or printing. The
 * command line ({@code cli}) and the distributed runner ({@code spark}) call it.
 *
 * <p>{@link dev.superscope.pipeline.ModelResolver} opens what a user names (a directory, a file, a hub
 * id) and picks its architecture; {@code audit} runs the analyzers over checkpoints into an output
 * directory and fits them against m; {@code eval} scores text with a model's forward pass; {@code compute}
 * chooses and starts the compute backend; {@code models} reads models.yaml; {@code tokens} turns ids into
 * token strings and text into ids; {@code demo} writes the offline showcase's checkpoints.
 */
package dev.superscope.pipeline;
