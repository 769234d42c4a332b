package io.cachemesh.charts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile parsed into instructions (continuation lines joined, comments dropped), enough to
 * review an image definition without a Docker engine.
 */
record Dockerfile(List<Instruction> instructions) {
  record Instruction(String keyword, String arguments) {
  }

  static Dockerfile parse(Path file) throws IOException {
    List<Instruction> out = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String text = pending.toString().strip();
      pending.setLength(0);
      int space = text.indexOf(' ');
      out.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space + 1).strip()));
    }
    return new Dockerfile(List.copyOf(out));
  }

  /** FROM images with global ARG defaults substituted, in order. */
  List<String> baseImages() {
    Map<String, String> args = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Instruction i : instructions) {
      if (i.keyword().equals("ARG") && out.isEmpty() && i.arguments().contains("=")) {
        String[] kv = i.arguments().split("=", 2);
        args.put(kv[0], kv[1]);
      } else if (i.keyword().equals("FROM")) {
        String image = i.arguments().split("\\s+")[0];
        for (Map.Entry<String, String> a : args.entrySet()) {
          image = image.replace("${" + a.getKey() + "}", a.getValue());
        }
        out.add(image);
      }
    }
    return out;
  }

  /** The instructions of the last stage (what the image is). */
  List<Instruction> finalStage() {
    int from = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return instructions.subList(from, instructions.size());
  }

  String last(String keyword) {
    return finalStage().stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b)
        .map(Instruction::arguments).orElseThrow(() -> new AssertionError("no " + keyword + " in the final stage"));
  }

  List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  List<String> entrypoint() throws IOException {
    return new ObjectMapper().readValue(last("ENTRYPOINT"), new TypeReference<List<String>>() { });
  }
}
