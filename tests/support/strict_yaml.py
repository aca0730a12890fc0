"""tests/support/strict_yaml: PyYAML's safe loader made stricter for the Python tests: a
duplicate key is an error (rtksync, GitHub and GitLab refuse them too)."""
import yaml


def _no_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "duplicate key %r" % (key,), key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def strict(loader_class):
    """Makes loader_class (a SafeLoader subclass) refuse duplicate keys; returns it."""
    loader_class.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)
    return loader_class
