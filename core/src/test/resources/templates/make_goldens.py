# Makes golden.json for PromptTemplateTest: the first train row of k-shot/<TASK>/16-13 of each LM-BFF task,
# rendered by a transcription of LM-BFF's tokenize_multipart_input template loop (src/dataset.py) in which
# "encoding" a part returns the part's string, so the concatenation is the exact text LM-BFF tokenizes.
# Usage (from the repository root): python3 src/test/resources/templates/make_goldens.py ../shared/data > src/test/resources/templates/golden.json
import csv, json, sys, os

DATA = sys.argv[1]
T = {
 'SST-2': '*cls**sent_0*_It_was*mask*.*sep+*', 'sst-5': '*cls**sent_0*_It_was*mask*.*sep+*',
 'mr': '*cls**sent_0*_It_was*mask*.*sep+*', 'cr': '*cls**sent_0*_It_was*mask*.*sep+*',
 'mpqa': '*cls**sent_0*_It_was*mask*.*sep+*', 'subj': '*cls**sent_0*_This_is*mask*.*sep+*',
 'trec': '*cls**mask*:*+sent_0**sep+*', 'CoLA': '*cls**sent_0*_This_is*mask*.*sep+*',
 'MNLI': '*cls**sent-_0*?*mask*,*+sentl_1**sep+*', 'SNLI': '*cls**sent-_0*?*mask*,*+sentl_1**sep+*',
 'QNLI': '*cls**sent-_0*?*mask*,*+sentl_1**sep+*', 'RTE': '*cls**sent-_0*?*mask*,*+sentl_1**sep+*',
 'MRPC': '*cls**sent_0**mask*,*+sentl_1**sep+*', 'QQP': '*cls**sent_0**mask*,*+sentl_1**sep+*',
}
# (text_a, text_b) per LM-BFF's processors (src/processors.py)
COLS = {'SST-2': (0, None), 'CoLA': (3, None), 'MNLI': (8, 9), 'SNLI': (7, 8), 'QNLI': (1, 2), 'RTE': (1, 2),
        'MRPC': (3, 4), 'QQP': (3, 4)}

def first_row(task):
    d = os.path.join(DATA, 'k-shot', task, '16-13')
    if task in COLS:
        with open(os.path.join(d, 'train.tsv'), encoding='utf-8-sig') as f:
            rows = list(csv.reader(f, delimiter='\t', quotechar=None))
        row = rows[0] if task == 'CoLA' else rows[1]
        a, b = COLS[task]
        return [row[a]] + ([row[b]] if b is not None else [])
    with open(os.path.join(d, 'train.csv'), encoding='utf-8') as f:
        row = next(csv.reader(f))
    return [row[1]]

def render(template, texts, special):
    out = []
    for part in template.split('*'):
        if part in special:
            out.append(special[part])
        elif part[:5] == 'sent_':
            out.append(texts[int(part.split('_')[1])])
        elif part[:6] == '+sent_':
            out.append(' ' + texts[int(part.split('_')[1])])
        elif part[:6] == 'sent-_':
            out.append(texts[int(part.split('_')[1])][:-1])
        elif part[:6] == 'sentl_':
            t = texts[int(part.split('_')[1])]; out.append(t[:1].lower() + t[1:])
        elif part[:7] == '+sentl_':
            t = texts[int(part.split('_')[1])]; out.append(' ' + t[:1].lower() + t[1:])
        else:
            out.append(part.replace('_', ' '))
    return ''.join(out)

bert = {'cls': '[CLS]', 'mask': '[MASK]', 'sep': '[SEP]', 'sep+': '[SEP]'}
roberta = {'cls': '<s>', 'mask': '<mask>', 'sep': '</s>', 'sep+': '</s>'}
res = []
for task, tpl in T.items():
    texts = first_row(task)
    res.append({'task': task, 'texts': texts, 'bert': render(tpl, texts, bert), 'roberta': render(tpl, texts, roberta)})
print(json.dumps(res, indent=1, ensure_ascii=False))
