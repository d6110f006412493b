package dev.scorestream.security;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The principal lacks permissions the pipeline needs. The message is one line naming each missing
 * permission and its resource: {@code missing ACL: READ on Group 'scorer' (application.id ...);
 * WRITE on Topic 'events.dlq' (topic.dlq)}.
 */
public final class MissingAclException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<RequiredAccess> missing;

  /**
   * @param missing at least one permission the principal lacks
   */
  public MissingAclException(List<RequiredAccess> missing) {
    super(
        "missing ACL: "
            + missing.stream().map(RequiredAccess::describe).collect(Collectors.joining("; ")));
    this.missing = List.copyOf(missing);
  }

  /** What is missing, in the order the message names it. */
  public List<RequiredAccess> missing() {
    return missing;
  }
}
