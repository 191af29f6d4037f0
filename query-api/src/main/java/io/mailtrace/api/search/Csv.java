package io.mailtrace.api.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV rows for the export: RFC 4180 (comma separated, CRLF line ends, fields with a quote, comma,
 * CR or LF are quoted with inner quotes doubled) and formula-injection-safe: a cell starting with
 * {@code = + - @}, TAB or CR gets a leading {@code '} so spreadsheets show it as text.
 */
public final class Csv {
  public static final List<String> HEADER = List.of("id", "timestamp", "account", "domain", "envelope_from", "header_from",
      "subject", "message_id", "status", "recipients", "dkim", "dkim_custom_skipped", "client_ip", "tls", "size_bytes", "node");

  private Csv() {}

  public static String headerRow() {
    return row(HEADER);
  }

  /** One row for a stored record (snake_case JSON). */
  public static String recordRow(JsonObject r) {
    List<String> cells = new ArrayList<>(HEADER.size());
    cells.add(r.getString("id"));
    cells.add(r.getString("@timestamp"));
    cells.add(r.getString("account"));
    cells.add(r.getString("domain"));
    cells.add(r.getString("envelope_from"));
    cells.add(r.getString("header_from"));
    cells.add(r.getString("subject"));
    cells.add(r.getString("message_id"));
    cells.add(r.getString("status"));
    StringBuilder rcpts = new StringBuilder();
    for (Object o : r.getJsonArray("recipients", new JsonArray())) {
      if (o instanceof JsonObject rc) {
        if (!rcpts.isEmpty()) {
          rcpts.append("; ");
        }
        rcpts.append(rc.getString("address")).append(" (").append(rc.getString("status")).append(')');
      }
    }
    cells.add(rcpts.toString());
    StringBuilder dkim = new StringBuilder();
    for (Object o : r.getJsonArray("dkim", new JsonArray())) {
      if (o instanceof JsonObject d) {
        if (!dkim.isEmpty()) {
          dkim.append("; ");
        }
        dkim.append("d=").append(d.getString("domain")).append(" s=").append(d.getString("selector")).append(' ').append(d.getString("kind"));
      }
    }
    cells.add(dkim.toString());
    cells.add(r.getString("dkim_custom_skipped"));
    cells.add(r.getString("client_ip"));
    JsonObject tls = r.getJsonObject("tls");
    cells.add(tls == null || !tls.getBoolean("enabled", false) ? "no" : String.valueOf(tls.getString("protocol", "yes")));
    Object size = r.getValue("size_bytes");
    cells.add(size == null ? "" : size.toString());
    cells.add(r.getString("node"));
    return row(cells);
  }

  public static String row(List<String> cells) {
    StringBuilder sb = new StringBuilder(256);
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      cell(sb, cells.get(i));
    }
    return sb.append("\r\n").toString();
  }

  static void cell(StringBuilder sb, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    String v = value;
    char first = v.charAt(0);
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
      v = "'" + v;
    }
    boolean quote = v.indexOf('"') >= 0 || v.indexOf(',') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0;
    if (!quote) {
      sb.append(v);
      return;
    }
    sb.append('"').append(v.replace("\"", "\"\"")).append('"');
  }
}
