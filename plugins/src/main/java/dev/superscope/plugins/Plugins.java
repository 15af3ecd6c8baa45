package dev.superscope.plugins;

import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.compute.BackendProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The registry of every {@link Architecture}, {@link Analyzer} and compute {@link BackendProvider} on the
 * class path (and in the jars of a {@code --plugin-path} directory). Names are unique: two plugins with
 * one name are an error that names both classes; asking for an unknown name is an error that lists the
 * names there are.
 */
public final class Plugins {
    private final Map<String, Architecture> architectures;
    private final Map<String, Analyzer> analyzers;
    private final Map<String, BackendProvider> backends;

    private Plugins(Map<String, Architecture> architectures, Map<String, Analyzer> analyzers,
                    Map<String, BackendProvider> backends) {
        this.architectures = Collections.unmodifiableMap(architectures);
        this.analyzers = Collections.unmodifiableMap(analyzers);
        this.backends = Collections.unmodifiableMap(backends);
    }

    /** The plugins visible to {@code classLoader}. */
    public static Plugins discover(ClassLoader classLoader) {
        return new Plugins(
                byName(ServiceLoader.load(Architecture.class, classLoader), Architecture::name, "architecture"),
                byName(ServiceLoader.load(Analyzer.class, classLoader), Analyzer::name, "analyzer"),
                byName(ServiceLoader.load(BackendProvider.class, classLoader), BackendProvider::name, "backend"));
    }

    /** The plugins of this class path plus those in the jars directly inside {@code pluginDir}. */
    public static Plugins discover(Path pluginDir) {
        return discover(classLoaderFor(pluginDir, Plugins.class.getClassLoader()));
    }

    /** Registers the given plugins directly (for tests and embedding). */
    public static Plugins of(List<Architecture> architectures, List<Analyzer> analyzers,
                             List<BackendProvider> backends) {
        return new Plugins(byName(architectures, Architecture::name, "architecture"),
                byName(analyzers, Analyzer::name, "analyzer"), byName(backends, BackendProvider::name, "backend"));
    }

    /** These plugins with {@code backends} as the only compute backends (for tests). */
    public Plugins withBackends(List<BackendProvider> backends) {
        return new Plugins(architectures, analyzers, byName(backends, BackendProvider::name, "backend"));
    }

    /** A class loader over every {@code *.jar} directly inside {@code dir}, delegating to {@code parent}. */
    public static ClassLoader classLoaderFor(Path dir, ClassLoader parent) {
        if (!Files.isDirectory(dir)) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--plugin-path " + dir + " is not a directory");
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw new BadInputException(dir, "cannot list plugin jars: " + e.getMessage(), e);
        }
        if (urls.isEmpty()) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--plugin-path " + dir + " holds no .jar file");
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    /** Architectures by name, in name order. */
    public Map<String, Architecture> architectures() {
        return architectures;
    }

    /** Analyzers by name, in name order. */
    public Map<String, Analyzer> analyzers() {
        return analyzers;
    }

    /** Compute backends by name, in name order. */
    public Map<String, BackendProvider> backends() {
        return backends;
    }

    /** The architecture called {@code name}; an unknown name is a usage error listing the known ones. */
    public Architecture architecture(String name) {
        return lookup(architectures, name, "architecture");
    }

    /** The backend called {@code name}; an unknown name is a usage error listing the known ones. */
    public BackendProvider backend(String name) {
        return lookup(backends, name, "backend");
    }

    /**
     * The architecture for {@code checkpoint}: the one called {@code name} when the user named one
     * ({@code --loader}), else the one its config.json asks for.
     *
     * @throws BadInputException when there is no config.json to detect it from, or no architecture or
     *                           several accept it (the message lists the architectures there are)
     * @throws SuperscopeException (usage) when {@code name} is unknown
     */
    public Architecture architectureFor(Checkpoint checkpoint, String name) {
        if (name != null) {
            return architecture(name);
        }
        if (!checkpoint.config().fromFile()) {
            throw new BadInputException(checkpoint.config().source(), "is missing, so the architecture is"
                    + " unknown; name one with --loader (architectures available: "
                    + String.join(", ", architectures.keySet()) + ")");
        }
        return architectureFor(checkpoint.config());
    }

    /** The analyzer called {@code name}; an unknown name is a usage error listing the known ones. */
    public Analyzer analyzer(String name) {
        return lookup(analyzers, name, "analyzer");
    }

    /**
     * The one architecture that accepts {@code config}.
     *
     * @throws BadInputException when none does (listing the architectures there are) or several do
     */
    public Architecture architectureFor(ModelConfig config) {
        List<Architecture> accepting = architectures.values().stream().filter(l -> l.accepts(config)).toList();
        if (accepting.size() == 1) {
            return accepting.get(0);
        }
        String what = "model_type \"" + config.modelType() + "\"" + (config.architectures().isEmpty() ? ""
                : ", architectures " + config.architectures());
        if (accepting.isEmpty()) {
            throw new BadInputException(config.source(), "unsupported architecture (" + what
                    + "); architectures available: " + String.join(", ", architectures.keySet())
                    + " (add one with --plugin-path)");
        }
        throw new BadInputException(config.source(), "several architectures accept " + what + ": "
                + String.join(", ", accepting.stream().map(Architecture::name).toList())
                + "; choose one with --loader");
    }

    private static <T> T lookup(Map<String, T> byName, String name, String kind) {
        T found = byName.get(name);
        if (found == null) {
            throw new SuperscopeException(SuperscopeException.USAGE, "unknown " + kind + " \"" + name
                    + "\"; known " + kind + "s: " + String.join(", ", byName.keySet()));
        }
        return found;
    }

    private static <T> Map<String, T> byName(Iterable<T> plugins, Function<T, String> nameOf, String kind) {
        Map<String, T> byName = new LinkedHashMap<>();
        try {
            for (T plugin : plugins) {
                String name = nameOf.apply(plugin);
                T previous = byName.putIfAbsent(name, plugin);
                if (previous != null) {
                    throw new SuperscopeException(SuperscopeException.USAGE, "two " + kind + "s are named \""
                            + name + "\": " + previous.getClass().getName() + " and " + plugin.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new SuperscopeException(SuperscopeException.USAGE, "a " + kind + " plugin cannot be loaded: "
                    + e.getMessage(), e);
        }
        Map<String, T> sorted = new java.util.TreeMap<>(byName);
        return new LinkedHashMap<>(sorted);
    }

}
