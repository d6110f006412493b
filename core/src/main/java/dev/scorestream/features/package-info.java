/**
 * The one mapping from a decoded record to a Tribuo {@code Example}, shared by training and serving
 * so the model sees the same features in both (no training/serving skew).
 */
package dev.scorestream.features;
