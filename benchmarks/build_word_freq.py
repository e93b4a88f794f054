import lzma, json, re, collections, sys
sys.path.insert(0, '/work/main')
from ner_ar.text import normalize_key
blind = set()
for f in ['/work/main/tests/data/relations_blind.jsonl', '/work/main/tests/data/entities_blind.jsonl']:
    for l in open(f):
        blind.add(json.loads(l)['source'])
c = collections.Counter()
word = re.compile(r'[\u0621-\u064A\u0671-\u06D3\u0640\u064B-\u0652]+')
for path, tag in [('/work/shared/data/text/ant/ant.txt.xz', 'ANT v1.1'), ('/work/shared/data/text/ant_multisource/ant_multisource.txt.xz', 'ANT v2.1'), ('/work/shared/data/text/arwiki/arwiki.txt.xz', 'wiki')]:
    with lzma.open(path, 'rt', encoding='utf-8') as f:
        for i, line in enumerate(f):
            if f'{tag} line {i}' in blind: continue
            c.update(word.findall(line))
print(len(c), file=sys.stderr)
k = collections.Counter()
for w, n in c.items():
    k[normalize_key(w)] += n
print(len(k), sum(k.values()), file=sys.stderr)
with open('/tmp/freq/word_freq.tsv', 'w') as fo:
    for w, n in k.most_common():
        if n < 3: break
        fo.write(f'{w}\t{n}\n')
