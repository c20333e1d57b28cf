#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
"""doxygen-html.py DOXYGEN DOXYFILE HTML_DIR: the HTML reference, reproducible.

Runs Doxygen, then renames its directory pages: Doxygen names them
dir_<md5 of the absolute directory path>.html, so the same sources in
another checkout or build directory gave other names. Each is renamed after
what it lists (the file and directory pages it links to, by their own stable
names) and every reference to it is rewritten."""
import hashlib
import os
import re
import shutil
import subprocess
import sys

doxygen, doxyfile, html = sys.argv[1:4]
shutil.rmtree(html, ignore_errors=True)  # no stale page survives
subprocess.run([doxygen, doxyfile], check=True)

dirs = sorted(f for f in os.listdir(html) if re.fullmatch(r'dir_[0-9a-f]{32}\.html', f))
text = {f: open(os.path.join(html, f), encoding='utf-8').read() for f in dirs}
links = {f: set(re.findall(r'href="([^"#]+\.html)', text[f])) for f in dirs}
names = {}


def stable(f, seen=()):
    """A name from the pages the directory lists; its subdirectories' by recursion."""
    if f in names:
        return names[f]
    key = []
    for l in sorted(links[f]):
        if l in dirs and l != f and l not in seen:
            # a link up (the breadcrumb) or down: only the children count
            if f in links[l] and l in links[f] and text[f].find(l) < text[f].find('memberdecls'):
                continue
            key.append('d:' + stable(l, seen + (f,)))
        elif l.endswith('_8h.html') or l.endswith('_8md.html') or l.endswith('_source.html'):
            key.append('f:' + l)
    title = re.search(r'<title>([^<]*)</title>', text[f]).group(1)
    names[f] = 'dir_' + hashlib.md5((title + '\n' + '\n'.join(key)).encode()).hexdigest() + '.html'
    return names[f]


for f in dirs:
    stable(f)
if len(set(names.values())) != len(names):
    sys.exit('doxygen-html.py: two directory pages would get the same name: %s' % names)
for root, _, files in os.walk(html):
    for fn in files:
        if not fn.endswith(('.html', '.js')):
            continue
        p = os.path.join(root, fn)
        s = open(p, encoding='utf-8').read()
        t = re.sub(r'dir_[0-9a-f]{32}(?=\.html)', lambda m: names.get(m.group(0) + '.html', m.group(0) + '.html')[:-5], s)
        if t != s:
            open(p, 'w', encoding='utf-8').write(t)
for old, new in names.items():
    os.rename(os.path.join(html, old), os.path.join(html, new))
