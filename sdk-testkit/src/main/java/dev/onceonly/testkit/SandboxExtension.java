package dev.onceonly.testkit;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link Sandbox}: starts the sandbox the class's annotation describes
 * before its first test, hands it to parameters of type {@link RunningSandbox}, and stops it after
 * the last. Registered by the annotation; not meant to be used on its own.
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SandboxExtension.class);
  private static final String KEY = "sandbox";

  @Override
  public void beforeAll(ExtensionContext context) {
    Sandbox config = config(context);
    Faults.Builder faults = Faults.builder()
        .dropRate(config.dropRate())
        .serverErrorRate(config.serverErrorRate())
        .stallRate(config.stallRate())
        .resetRate(config.resetRate());
    if (config.processingMillis() > 0) {
      faults.processingTime(Duration.ofMillis(config.processingMillis()));
    }
    SandboxServer.Builder server = SandboxServer.builder().dialect(config.dialect()).faults(faults.build());
    if (config.seed() != 0) {
      server.seed(config.seed());
    }
    context.getStore(NAMESPACE).put(KEY, server.build().start());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    RunningSandbox sandbox = context.getStore(NAMESPACE).remove(KEY, RunningSandbox.class);
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RunningSandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    RunningSandbox sandbox = find(context).orElseThrow(() -> new ParameterResolutionException(
        "no sandbox is running for " + context.getRequiredTestClass().getName() + ": annotate the class with @Sandbox"));
    return sandbox;
  }

  private static Optional<RunningSandbox> find(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      RunningSandbox found = c.get().getStore(NAMESPACE).get(KEY, RunningSandbox.class);
      if (found != null) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  private static Sandbox config(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Sandbox.class)
        .orElseThrow(() -> new IllegalStateException(context.getRequiredTestClass().getName()
            + " registers SandboxExtension without @Sandbox: annotate the class with @Sandbox instead"));
  }
}
