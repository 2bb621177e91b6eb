package dev.onceonly.samples.crash;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Ends early the leases that killed processes held in a journal, as the passing of time would.
 *
 * <p>{@code resumePending()} claims each operation under a lease of two minutes (or twice the
 * retry policy's deadline, if longer), so that two instances never resume one operation at once;
 * an instance killed while resuming leaves its operations to the next claimer only when that
 * lease ends. A demonstration or a test that restarts within seconds would wait those two
 * minutes; instead, once the processes that held the leases are certainly dead, it sets their
 * {@code lease_until} to now, in the table the journal documents ({@code onceonly_operations}).
 * Nothing else changes: the entries stay pending, with their keys, bytes and first-sent times.
 */
final class Leases {

  private Leases() {}

  /**
   * Ends every lease on a pending operation in the journal at {@code jdbcUrl} whose owner is not
   * in {@code liveOwners}.
   *
   * @return how many leases were ended
   */
  static int endLeasesOfTheDead(String jdbcUrl, Collection<String> liveOwners) {
    StringBuilder sql = new StringBuilder("UPDATE onceonly_operations SET lease_until = ?"
        + " WHERE state = 'PENDING' AND lease_owner IS NOT NULL AND lease_until > ?");
    List<String> owners = List.copyOf(liveOwners);
    if (!owners.isEmpty()) {
      sql.append(" AND lease_owner NOT IN (").append("?,".repeat(owners.size() - 1)).append("?)");
    }
    long now = System.currentTimeMillis();
    try (Connection c = CrashWorkloadApp.dataSource(jdbcUrl).getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setLong(1, now);
      ps.setLong(2, now);
      for (int i = 0; i < owners.size(); i++) {
        ps.setString(3 + i, owners.get(i));
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot end the leases in " + jdbcUrl.replaceAll("\\?.*", ""), e);
    }
  }
}
