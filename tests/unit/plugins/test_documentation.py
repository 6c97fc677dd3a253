# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every plugin's documentation is what ansible-doc can print: its descriptions are text.

A list item such as `- It grants nothing: a reader ...` is a YAML mapping, not a sentence; ansible-doc then fails
with "expected string or bytes-like object" although the plugin loads and works.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
FILES = sorted(p for p in PLUGINS.glob("*/*.py") if p.parent.name != "plugin_utils" and p.name != "__init__.py")


def documented(path):
    """(name, parsed YAML) of each documentation string the file assigns at module level."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("DOCUMENTATION", "RETURN"):
                    yield target.id, yaml.safe_load(node.value.value)


def descriptions(doc, where=""):
    """(where, description) of every `description` in a documentation tree."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "description":
                yield where, value
            else:
                yield from descriptions(value, "%s.%s" % (where, key) if where else str(key))
    elif isinstance(doc, list):
        for item in doc:
            yield from descriptions(item, where)


def is_text(description):
    return isinstance(description, str) or (
        isinstance(description, list) and all(isinstance(line, str) for line in description))


@pytest.mark.parametrize("path", FILES, ids=lambda p: "%s/%s" % (p.parent.name, p.name))
def test_every_description_is_text(path):
    docs = dict(documented(path))
    assert "DOCUMENTATION" in docs or path.parent.name == "module_utils", "no DOCUMENTATION"
    bad = ["%s %s: %r" % (name, where, text) for name, doc in docs.items() for where, text in descriptions(doc)
           if not is_text(text)]
    assert bad == [], "descriptions that are not text (a ': ' in a list item makes it a mapping): %s" % bad


def test_a_mapping_in_a_description_is_caught():
    doc = yaml.safe_load("description:\n  - It grants nothing: a reader needs a policy.\n")
    assert [not is_text(text) for dummy, text in descriptions(doc)] == [True]
