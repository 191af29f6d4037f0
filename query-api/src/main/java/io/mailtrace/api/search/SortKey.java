package io.mailtrace.api.search;

/** Position in the newest-first order: {@code @timestamp} (epoch millis) then {@code id}, both descending. */
public record SortKey(long timestampMillis, String id) {}
