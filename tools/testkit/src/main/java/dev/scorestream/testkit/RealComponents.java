package dev.scorestream.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving integration tests a real Kafka broker (in-process KRaft) and a real
 * Apicurio registry (child process), started once per test JVM and closed when the run ends. Inject
 * {@link EmbeddedStack} as a constructor or method parameter; give each test its own topic names.
 */
public final class RealComponents implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealComponents.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("stack", key -> new Resource(EmbeddedStack.start()), Resource.class)
        .stack();
  }

  /** Closed by JUnit when the root context closes, i.e. after the last test of the run. */
  record Resource(EmbeddedStack stack) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      stack.close();
    }
  }
}
