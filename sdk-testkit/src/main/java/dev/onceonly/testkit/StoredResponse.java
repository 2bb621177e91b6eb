package dev.onceonly.testkit;

import java.time.Instant;

/**
 * The final answer of a keyed request, exactly as it was first sent (status, body bytes,
 * {@code Location}), with when and to which URL, for MangoPay's {@code GET /responses/{key}}.
 */
record StoredResponse(Answer answer, Instant date, String requestUrl) {}
