package dev.scorestream.model;

import java.nio.file.Path;

/** A model artifact that cannot be served; the message names the directory and what is wrong. */
public final class InvalidModelException extends RuntimeException {

  public InvalidModelException(Path directory, String problem) {
    super("model artifact " + directory + " " + problem);
  }

  public InvalidModelException(Path directory, String problem, Throwable cause) {
    super("model artifact " + directory + " " + problem, cause);
  }
}
