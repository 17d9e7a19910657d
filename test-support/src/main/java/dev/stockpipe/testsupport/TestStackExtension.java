package dev.stockpipe.testsupport;

import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.EmbeddedRedis;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves test, lifecycle and constructor parameters of type {@link EmbeddedKafka},
 * {@link EmbeddedPostgres} and {@link EmbeddedRedis} with the shared real services of
 * {@link TestServices}. Usage: {@code @ExtendWith(TestStackExtension.class)}.
 * Services are stopped when the test run ends (root store) or, at the latest, by a shutdown hook.
 */
public final class TestStackExtension implements ParameterResolver, BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // One closer per run, in the root store: JUnit closes it after the last test class.
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Closer.class, k -> new Closer(), Closer.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedKafka.class || type == EmbeddedPostgres.class || type == EmbeddedRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        extensionContext.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Closer.class, k -> new Closer(), Closer.class);
        Class<?> type = parameterContext.getParameter().getType();
        try {
            if (type == EmbeddedKafka.class) {
                return TestServices.kafka();
            }
            if (type == EmbeddedPostgres.class) {
                return TestServices.postgres();
            }
            if (type == EmbeddedRedis.class) {
                return TestServices.redis();
            }
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        throw new ParameterResolutionException("unsupported parameter type " + type);
    }

    private static final class Closer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            TestServices.closeAll();
        }
    }
}
