package dev.stockpipe.connect;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * {@code ${env:NAME}} in connector configs: the worker process's environment, plus any variables given as
 * provider parameters ({@code config.providers.env.param.NAME=value}), which win. Kafka's own
 * EnvVarConfigProvider reads only the process environment, which an in-process test worker cannot set.
 */
public final class EnvConfigProvider implements ConfigProvider {
    private final Map<String, String> overrides = new HashMap<>();

    @Override
    public void configure(Map<String, ?> configs) {
        configs.forEach((k, v) -> {
            if (v != null) {
                overrides.put(k, v.toString());
            }
        });
    }

    @Override
    public ConfigData get(String path) {
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(overrides);
        return new ConfigData(all);
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> data = new HashMap<>();
        for (String key : keys) {
            String v = overrides.containsKey(key) ? overrides.get(key) : System.getenv(key);
            if (v != null) {
                data.put(key, v);
            }
        }
        return new ConfigData(data);
    }

    @Override
    public void close() {
        overrides.clear();
    }
}
