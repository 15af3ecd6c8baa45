/**
 * Who collides with whom in one vocabulary matrix ({@code superscope collisions}): the most similar pairs
 * of tokens and the groups of tokens collapsed onto one another, from one pairwise scan.
 */
package dev.superscope.pipeline.collisions;
