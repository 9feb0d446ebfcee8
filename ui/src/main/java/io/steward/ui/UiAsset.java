package io.steward.ui;

/** One file of the dashboard. */
public record UiAsset(String path, byte[] bytes) {}
