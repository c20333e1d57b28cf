#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
"""man3.py: the library's man(3) pages, one per public function.

    man3.py --doxygen DOXYGEN --doxyfile DOXYFILE --map MAP --version VERSION
            --outdir DIR

Runs Doxygen on the public headers (DOXYFILE, the reference's configuration,
with XML output instead of HTML) and writes from its XML, into DIR:
  - NAME.3 for every function the version script MAP exports, named after
    the function, with SYNOPSIS (its header and prototype), DESCRIPTION,
    parameters, RETURN VALUE, VERSIONS (its @since) and SEE ALSO;
  - libiommufd.3, the overview: conventions and every function by header.
A function of MAP without documentation is an error. The pages hold no path,
date or host name: the output depends on the sources and VERSION only.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MANUAL = 'libiommufd Manual'


def esc(text):
    """Escape text for roff (the caller adds font changes)."""
    text = text.replace('\\', '\\e').replace('-', '\\-')
    for a, b in (('\u2013', '\\(en'), ('\u2014', '\\(em'), ('\u2192', '\\(->'),
                 ('\u2190', '\\(<-'), ('\u2264', '\\(<='), ('\u2265', '\\(>='),
                 ('\u00d7', '\\(mu'), ('\u2026', '...'), ('\u00a0', '\\ ')):
        text = text.replace(a, b)
    return text


def squash(text):
    return re.sub(r'\s+', ' ', text)


class Doc:
    """Renders one Doxygen description into roff, collecting references."""

    def __init__(self, functions):
        self.functions = functions
        self.refs = []

    def inline(self, e):
        """The inline content of e (text and font changes), one line."""
        out = [esc(squash(e.text or ''))]
        for c in e:
            if c.tag in ('parameterlist', 'simplesect', 'itemizedlist', 'orderedlist',
                         'programlisting', 'verbatim', 'preformatted', 'table', 'heading'):
                pass  # blocks: rendered by block()
            elif c.tag == 'computeroutput':
                out.append('\\fB' + self.inline(c).strip() + '\\fR')
            elif c.tag in ('emphasis', 'parametername'):
                out.append('\\fI' + self.inline(c) + '\\fR')
            elif c.tag == 'bold':
                out.append('\\fB' + self.inline(c) + '\\fR')
            elif c.tag == 'ref':
                name = ''.join(c.itertext())
                fn = name[:-2] if name.endswith('()') else name
                if fn in self.functions:
                    if fn not in self.refs:
                        self.refs.append(fn)
                    out.append('\\fB' + esc(fn) + '\\fR()')
                else:
                    out.append('\\fB' + esc(name) + '\\fR')
            elif c.tag == 'ulink':
                label = ''.join(c.itertext())
                url = c.get('url', '')
                out.append(esc(label) if label == url else esc(label) + ' <' + esc(url) + '>')
            elif c.tag == 'linebreak':
                out.append('\n.br\n')
            elif c.tag == 'sp':
                out.append(' ')
            elif c.tag == 'anchor':
                pass
            else:
                out.append(self.inline(c))
            out.append(esc(squash(c.tail or '')))
        return ''.join(out)

    def para_blocks(self, para):
        """A <para>: its text, then its lists and code (in order)."""
        blocks = []
        text = self.inline(para).strip()
        if text:
            blocks.append(('.PP', text))
        for c in para:
            if c.tag in ('itemizedlist', 'orderedlist'):
                for i, item in enumerate(c.findall('listitem'), 1):
                    mark = '\\(bu' if c.tag == 'itemizedlist' else '%d.' % i
                    body = ' '.join(self.inline(p).strip() for p in item.findall('para'))
                    blocks.append(('.IP %s 3' % mark, body))
            elif c.tag in ('programlisting', 'verbatim', 'preformatted'):
                if c.tag == 'programlisting':
                    lines = [''.join(t for t in self.code_text(l)) for l in c.findall('codeline')]
                else:
                    lines = ''.join(c.itertext()).strip('\n').split('\n')
                code = '\n'.join('\\&' + esc(l) for l in lines)
                blocks.append(('.PP', '.nf\n.RS 4\n' + code + '\n.RE\n.fi'))
        return blocks

    def code_text(self, e):
        yield e.text or ''
        for c in e:
            if c.tag == 'sp':
                yield ' '
            else:
                yield from self.code_text(c)
            yield c.tail or ''


def render_blocks(blocks):
    lines = []
    for macro, text in blocks:
        lines.append(macro)
        lines.append(text)
    return lines


def fix_lines(text):
    """No roff line may start with a quote or a dot that is not a request."""
    out = []
    for line in text.split('\n'):
        line = line.strip(' ')
        if line.startswith("'") or (line.startswith('.') and not re.match(r'\.([A-Za-z]{1,2}\b|\\")', line)):
            line = '\\&' + line
        if line == '.PP' and out and out[-1].startswith(('.SH', '.SS', '.PP')):
            continue  # a paragraph starts there anyway
        out.append(line)
    return '\n'.join(out)


def summary(blocks):
    """NAME's text: the first sentence of the description, roff-safe."""
    if not blocks:
        return ''
    first = blocks[0][1]
    m = re.match(r'(.*?[^.]\.)(\s|$)', first)
    s = (m.group(1) if m else first).rstrip('.')
    s = re.sub(r'\\f[BIR]', '', s)
    if s[:1].isupper() and not s[1:2].isupper():
        s = s[0].lower() + s[1:]
    return s


def prototype(m):
    """SYNOPSIS line: .BI "type name(type " arg ", type " arg );"""
    ret = ''.join(m.find('type').itertext()).strip()
    name = m.findtext('name')
    head = ret + ('' if ret.endswith('*') else ' ') + name + '('
    parts = [head]
    params = m.findall('param')
    args = []
    for p in params:
        t = squash(''.join(p.find('type').itertext())).strip()
        d = p.findtext('declname')
        a = ''.join(p.find('array').itertext()) if p.find('array') is not None else ''
        args.append((t, d, a))
    if len(args) == 1 and args[0][0] == 'void' and not args[0][1]:
        return '.B "' + esc(head + 'void);') + '"'
    pieces = []
    lit = head
    for i, (t, d, a) in enumerate(args):
        sep = '' if i == 0 else ', '
        if d:
            lit += sep + t + ('' if t.endswith('*') else ' ')
            pieces.append('"' + esc(lit) + '"')
            pieces.append(esc(d))
            lit = a
        else:
            lit += sep + t
    lit += ');'
    pieces.append('"' + esc(lit) + '"')
    return '.BI ' + ' '.join(pieces)


def page(m, header, functions, version, header_brief):
    name = m.findtext('name')
    doc = Doc(functions)
    desc = m.find('detaileddescription')
    blocks, params, retval, since, notes, see = [], [], [], None, [], []
    for para in desc.findall('para'):
        blocks += doc.para_blocks(para)
        for c in para:
            if c.tag == 'parameterlist':
                for item in c.findall('parameteritem'):
                    names = [n for n in item.find('parameternamelist').findall('parametername')]
                    label = ', '.join(''.join(n.itertext()) for n in names)
                    d = names[0].get('direction') if names else None
                    body = ' '.join(b[1] for p in item.find('parameterdescription').findall('para')
                                    for b in doc.para_blocks(p))
                    if c.get('kind') == 'retval':
                        retval.append(('.TP', '\\fB' + esc(label) + '\\fR\n' + body))
                    else:
                        tag = '\\fI' + esc(label) + '\\fR' + (' (%s)' % d if d and d != 'in' else '')
                        params.append(('.TP', tag + '\n' + body))
            elif c.tag == 'simplesect':
                kind = c.get('kind')
                inner = [b for p in c.findall('para') for b in doc.para_blocks(p)]
                if kind == 'return':
                    retval = inner + retval
                elif kind == 'par' and (c.findtext('title') or '').strip() == 'Since:':
                    since = ' '.join(b[1] for b in inner).strip()
                elif kind == 'see':
                    see += inner
                elif kind == 'par':
                    notes.append(('.PP', '\\fB' + esc((c.findtext('title') or '').strip()) + '\\fR'))
                    notes += inner
                else:
                    notes += inner
    if not blocks:
        sys.exit('man3.py: %s has no description' % name)
    if not since:
        sys.exit('man3.py: %s has no @since' % name)
    out = ['.\\" SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause',
           '.\\" Generated by doc/man/man3.py from the Doxygen comments of <iommufd/%s>.' % header,
           '.TH %s 3 "" "libiommufd %s" "%s"' % (name, esc(version), MANUAL),
           '.SH NAME',
           '%s \\- %s' % (esc(name), summary(blocks)),
           '.SH LIBRARY',
           'libiommufd (\\fI\\-liommufd\\fR; \\fBpkg\\-config \\-\\-cflags \\-\\-libs libiommufd\\fR)',
           '.SH SYNOPSIS',
           '.nf',
           '.B #include <iommufd/%s>' % header,
           '.PP',
           prototype(m),
           '.fi',
           '.SH DESCRIPTION']
    out += render_blocks(blocks)
    if params:
        out += ['.SS Parameters'] + render_blocks(params)
    if retval:
        out += ['.SH RETURN VALUE'] + render_blocks(retval)
    if notes:
        out += ['.SH NOTES'] + render_blocks(notes)
    out += ['.SH VERSIONS', 'Since libiommufd %s.' % esc(since)]
    out += ['.SH SEE ALSO']
    if see:
        out += render_blocks(see) + ['.PP']
    refs = [r for r in doc.refs if r != name]
    out.append(',\n'.join(['.BR %s (3)' % esc(r) for r in refs + ['libiommufd']]))
    return fix_lines('\n'.join(out)) + '\n', summary(blocks)


def overview(version, by_header, briefs):
    out = ['.\\" SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause',
           '.\\" Generated by doc/man/man3.py from the public headers.',
           '.TH libiommufd 3 "" "libiommufd %s" "%s"' % (esc(version), MANUAL),
           '.SH NAME',
           'libiommufd \\- C library for the Linux /dev/iommu (iommufd) user API',
           '.SH LIBRARY',
           'libiommufd (\\fI\\-liommufd\\fR; \\fBpkg\\-config \\-\\-cflags \\-\\-libs libiommufd\\fR)',
           '.SH SYNOPSIS',
           '.nf',
           '.B #include <iommufd/iommufd.h>',
           '.fi',
           '.SH DESCRIPTION',
           'libiommufd gives virtual machine monitors and userspace drivers one',
           'versioned API over the kernel\'s iommufd: I/O address spaces (IOAS),',
           'VFIO and vhost\\-vdpa devices bound to them, hardware page tables, dirty',
           'tracking, I/O page faults, vIOMMUs, DMA helpers for drivers, and the',
           'host side (device discovery, vfio\\-pci binding, diagnostics).',
           '.PP',
           'Every call returns 0 (or a count) on success and a negative errno on',
           'failure, also stored in \\fIerrno\\fR; out\\-parameters are left untouched',
           'on failure.',
           '.BR iommufd_ctx_last_error (3)',
           'says what failed and why for calls on a context or its objects,',
           '.BR iommufd_last_error (3)',
           'for calls without one. Options structs start with \\fIsz\\fR and are',
           'declared with \\fBIOMMUFD_OPTS\\fR(); NULL means all defaults.',
           '.PP',
           'Each function has its own page; they are listed here by header.']
    for header in sorted(by_header):
        out.append('.SS <iommufd/%s>' % header)
        if briefs.get(header):
            out += ['.PP', briefs[header]]
        for name, what in by_header[header]:
            out += ['.TP', '.BR %s (3)' % esc(name), what]
    out += ['.SH SEE ALSO', '.BR iommufd (1)']
    return fix_lines('\n'.join(out)) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doxygen', required=True)
    ap.add_argument('--doxyfile', required=True)
    ap.add_argument('--map', required=True)
    ap.add_argument('--version', required=True)
    ap.add_argument('--outdir', required=True)
    a = ap.parse_args()

    with open(a.map) as f:
        functions = sorted(set(re.findall(r'^\s+(iommufd_\w+);', f.read(), re.M)))

    with tempfile.TemporaryDirectory() as tmp:
        with open(a.doxyfile) as f:
            conf = f.read()
        # The same input as the reference, XML out, no checks (the docs
        # suite's doxygen test is the check).
        conf += '\n'.join(['', 'OUTPUT_DIRECTORY = ' + tmp, 'GENERATE_HTML = NO',
                           'GENERATE_MAN = NO', 'GENERATE_LATEX = NO', 'GENERATE_XML = YES',
                           'XML_PROGRAMLISTING = NO', 'WARNINGS = NO', 'WARN_AS_ERROR = NO',
                           'WARN_IF_UNDOCUMENTED = NO', 'WARN_NO_PARAMDOC = NO',
                           'WARN_IF_DOC_ERROR = NO', 'QUIET = YES', ''])
        r = subprocess.run([a.doxygen, '-'], input=conf, text=True, cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            sys.exit('man3.py: doxygen failed:\n' + r.stderr)
        members, briefs = {}, {}
        xmldir = os.path.join(tmp, 'xml')
        for fn in sorted(os.listdir(xmldir)):
            if not fn.endswith('_8h.xml'):
                continue
            root = ET.parse(os.path.join(xmldir, fn)).getroot()
            comp = root.find('compounddef')
            header = comp.findtext('compoundname')
            bd = comp.find('briefdescription')
            if bd is not None:
                briefs[header] = ' '.join(Doc(functions).inline(p).strip() for p in bd.findall('para'))
            for m in comp.iter('memberdef'):
                if m.get('kind') == 'function' and m.findtext('name') in functions:
                    members.setdefault(m.findtext('name'), (m, header))

    missing = [f for f in functions if f not in members]
    if missing:
        sys.exit('man3.py: exported but not documented in include/iommufd: ' + ' '.join(missing))
    os.makedirs(a.outdir, exist_ok=True)
    # pages of functions that are no longer exported (a rename, in a build
    # directory that made them before) go, so the set is the map file's
    for old in os.listdir(a.outdir):
        if old.endswith('.3') and old[:-2] not in functions and old != 'libiommufd.3':
            os.remove(os.path.join(a.outdir, old))
    by_header = {}
    for name in functions:
        m, header = members[name]
        text, what = page(m, header, functions, a.version, briefs.get(header))
        with open(os.path.join(a.outdir, name + '.3'), 'w') as f:
            f.write(text)
        by_header.setdefault(header, []).append((name, what))
    with open(os.path.join(a.outdir, 'libiommufd.3'), 'w') as f:
        f.write(overview(a.version, by_header, briefs))


if __name__ == '__main__':
    main()
