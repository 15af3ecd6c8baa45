package dev.superscope.plugins;

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
 * The registry of every {@link ModelLoader} and {@link Analyzer} on the class path (and in the jars of
 * a {@code --plugin-path} directory). Names are unique: two plugins with one name are an error that
 * names both classes; asking for an unknown name is an error that lists the names there are.
 */
public final class Plugins {
    private final Map<String, ModelLoader> loaders;
    private final Map<String, Analyzer> analyzers;

    private Plugins(Map<String, ModelLoader> loaders, Map<String, Analyzer> analyzers) {
        this.loaders = Collections.unmodifiableMap(loaders);
        this.analyzers = Collections.unmodifiableMap(analyzers);
    }

    /** The plugins visible to {@code classLoader}. */
    public static Plugins discover(ClassLoader classLoader) {
        return new Plugins(
                byName(ServiceLoader.load(ModelLoader.class, classLoader), ModelLoader::name, "loader"),
                byName(ServiceLoader.load(Analyzer.class, classLoader), Analyzer::name, "analyzer"));
    }

    /** The plugins of this class path plus those in the jars directly inside {@code pluginDir}. */
    public static Plugins discover(Path pluginDir) {
        return discover(classLoaderFor(pluginDir, Plugins.class.getClassLoader()));
    }

    /** Registers the given plugins directly (for tests and embedding). */
    public static Plugins of(List<ModelLoader> loaders, List<Analyzer> analyzers) {
        return new Plugins(byName(loaders, ModelLoader::name, "loader"),
                byName(analyzers, Analyzer::name, "analyzer"));
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

    /** Loaders by name, in name order. */
    public Map<String, ModelLoader> loaders() {
        return loaders;
    }

    /** Analyzers by name, in name order. */
    public Map<String, Analyzer> analyzers() {
        return analyzers;
    }

    /** The loader called {@code name}; an unknown name is a usage error listing the known ones. */
    public ModelLoader loader(String name) {
        return lookup(loaders, name, "loader");
    }

    /** The analyzer called {@code name}; an unknown name is a usage error listing the known ones. */
    public Analyzer analyzer(String name) {
        return lookup(analyzers, name, "analyzer");
    }

    /**
     * The one loader that accepts {@code config}.
     *
     * @throws BadInputException when none does (listing the loaders there are) or several do
     */
    public ModelLoader loaderFor(ModelConfig config) {
        List<ModelLoader> accepting = loaders.values().stream().filter(l -> l.accepts(config)).toList();
        if (accepting.size() == 1) {
            return accepting.get(0);
        }
        String what = "model_type \"" + config.modelType() + "\"" + (config.architectures().isEmpty() ? ""
                : ", architectures " + config.architectures());
        if (accepting.isEmpty()) {
            throw new BadInputException(config.source(), "unsupported architecture (" + what
                    + "); loaders available: " + String.join(", ", loaders.keySet())
                    + " (add one with --plugin-path)");
        }
        throw new BadInputException(config.source(), "several loaders accept " + what + ": "
                + String.join(", ", accepting.stream().map(ModelLoader::name).toList())
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
