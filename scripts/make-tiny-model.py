#!/usr/bin/env python3
"""Generate the tiny BERT-shaped test model at test/fixtures/models/newsroom/tiny-bert/.

The output is committed, so CI never runs this script. Re-run it only to change the model:

    apt-get install -y python3-onnx python3-numpy
    /usr/bin/python3 scripts/make-tiny-model.py

What it writes (the layout Transformers.js expects for a local model):
    config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json, onnx/model.onnx,
    onnx/model_quantized.onnx

model_quantized.onnx is what EMBEDDING_DTYPE=q8 (the default) loads. Dynamic quantization turns
products by weight matrices into int8 ones; this model has none, so its quantized file is the
same graph (and gives the same vectors as model.onnx).

The "model" has no attention layers: each token's hidden state is its (seeded, random) token
embedding plus a small position embedding, zeroed where attention_mask is 0. Mean pooling over
tokens therefore gives a bag-of-words vector, so a query sharing words with a passage lands
near it, and a text's vector does not depend on the other texts in its batch. Function words,
punctuation and special tokens get short vectors so that they weigh little, like a crude IDF.

Everything is deterministic: the same script gives byte-identical files.
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HIDDEN_SIZE = 64
MAX_POSITIONS = 256
SEED = 20240611
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'models',
                       'newsroom', 'tiny-bert')

SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']

# ---------------------------------------------------------------------------------------------
# Vocabulary. Written for this project; inflected forms are derived by the rules further down.
# ---------------------------------------------------------------------------------------------

FUNCTION_WORDS = """
a an the and or but nor so yet if then than that this these those there here where when while
who whom whose which what why how whether because although though unless until since as of to
in on at by for with without within from into onto upon about above below under over after
before between among through throughout during against along across around behind beyond near
off out up down per via amid despite toward towards i me my mine we us our ours you your yours
he him his she her hers it its they them their theirs myself ourselves yourself himself herself
itself themselves one ones someone anyone everyone nobody somebody anybody everybody something
anything everything nothing all any each every both either neither few many much more most less
least some such no not only own same other another else also too very just still even ever never
always often sometimes usually again once twice already soon now today tonight yesterday tomorrow
ago later early late is are was were be been being am do does did done doing have has had having
will would shall should can could may might must ought let lets yes okay oh mr mrs ms dr st
however therefore thus instead meanwhile otherwise perhaps maybe almost nearly quite rather
really about around away back forward together apart etc
"""

# Nouns that take a regular plural (derived below).
NOUNS = """
council councillor councilor bridge hospital budget school mayor election storm port city town
village county district state nation country region province ward borough suburb neighbourhood
neighborhood street road avenue lane highway motorway bypass tunnel railway station train tram bus
ferry airport flight plane pilot passenger driver car truck lorry van bicycle cyclist pedestrian
crossing junction roundabout parking garage harbour harbor dock pier wharf ship boat
vessel cargo container crane terminal warehouse factory plant mill mine quarry farm field crop
harvest barn orchard vineyard forest park garden playground library museum gallery theatre theater
cinema stadium arena court courthouse prison jail cell church chapel mosque temple synagogue
cathedral market shop store mall restaurant cafe pub bar hotel motel office building tower block
flat apartment house home cottage estate tenant landlord rent mortgage loan debt tax rate levy fee
fine charge bill invoice payment grant fund donation subsidy pension salary wage income profit
loss revenue deficit surplus cost price dollar pound euro cent penny bank account share stock bond
investor investment economy inflation recession job worker employee employer union strike contract
deal agreement treaty law bill act rule regulation policy plan proposal scheme project programme
program report review inquiry investigation audit study survey poll vote ballot voter candidate
campaign party leader minister president senator representative governor official officer
spokesperson spokesman spokeswoman chairman chairwoman chair member committee board panel cabinet
parliament congress assembly senate government administration department agency authority ministry
detective constable sergeant inspector chief commissioner sheriff
deputy judge jury lawyer attorney prosecutor defendant suspect victim witness trial hearing verdict
sentence appeal charge arrest crime offence offense theft robbery burglary assault murder fraud
scandal protest protester demonstration rally march riot crowd resident citizen neighbour neighbor
community family parent mother father child son daughter brother sister husband wife grandparent
student pupil teacher headteacher principal professor lecturer classroom lesson exam grade degree
university college campus nurse doctor surgeon patient ward clinic surgery ambulance paramedic
emergency injury illness disease virus vaccine vaccination treatment medicine drug dose bed waiting
firefighter fire flame blaze smoke alarm engine rescue flood rain wind gust snow ice frost heatwave
drought forecast warning temperature degree cloud sky sun moon tide wave coast beach
shore cliff river stream lake canal dam reservoir water pipe sewer drain well hill valley mountain
island bay sea ocean shoreline wetland marsh tree leaf branch root flower grass soil rock stone sand
dust mud animal dog cat horse cow sheep pig bird fish whale seal deer fox wolf bear insect bee
power outage grid cable wire pylon turbine solar panel battery generator fuel petrol gas oil coal
energy electricity heating cooling pump meter supply shortage demand delivery shipment order
customer client consumer business company firm corporation startup owner founder director manager
executive staff team crew volunteer charity organisation organization group club society
association network partner sponsor supporter fan player coach referee match game goal point score
season league cup final tournament race runner swimmer athlete medal champion record winner loser
journalist reporter editor newspaper newsroom story article headline column columnist interview
source quote statement announcement press conference briefing comment reader viewer listener
audience broadcast radio television channel website page post message email letter phone call
photo photograph picture image video camera microphone screen computer laptop software app data
system server password hacker attack breach robot machine device
tool equipment material metal steel concrete brick glass wood plastic paper book map sign signal
light lamp door window wall roof floor room kitchen bathroom bedroom hall corridor stair step
lift elevator gate fence yard path trail track line route journey trip visit visitor tourist
guest host event festival concert show exhibition performance parade celebration ceremony
anniversary birthday wedding funeral holiday weekend week month year decade century hour minute
second moment morning afternoon evening night midnight noon day date time period term deadline
schedule calendar number figure total amount percent percentage rise fall increase decrease drop
growth change difference effect impact result outcome cause reason problem issue question answer
solution option choice decision idea view opinion belief concern fear risk threat danger hazard
safety security health care welfare service benefit support help aid relief shelter refugee
migrant visa border customs permit licence license application request complaint claim
petition consultation meeting session debate discussion talk speech address argument dispute
conflict war battle soldier army navy troop veteran weapon gun knife bomb explosion shot
ceasefire peace negotiation negotiator mediator settlement compensation payout
insurance insurer damage repair upgrade renovation construction builder contractor engineer
architect design drawing model sample test inspection standard target limit level stage phase
part piece section area zone site location place spot space land plot property
development developer housing homeowner household population census
majority minority rating ranking list name title role position duty task
responsibility right freedom access opportunity chance challenge success failure mistake error
fault accident crash collision incident case file document paperwork form copy
version edition draft summary detail fact evidence proof truth lie rumour
rumor theme topic subject matter language word
voice tone sound noise music song band singer artist writer author poet painter actor actress
producer film movie play drama comedy novel poem painting sculpture statue
monument memorial landmark heritage history tradition culture custom food meal
breakfast lunch dinner drink coffee tea bread milk meat vegetable fruit apple potato
rice sugar salt chair table desk shelf box bag bottle cup plate key
lock clock watch ring coat shirt shoe hat uniform flag banner poster leaflet ticket pass card
badge award prize trophy honour honor
"""

# Nouns without a useful plural.
UNCOUNTABLE = """
police news information traffic weather money funding housing healthcare
education transport transportation infrastructure equipment evidence research advice progress
knowledge furniture luggage rubbish litter waste pollution electricity heating parking staffing
violence justice legislation tourism agriculture farming fishing shipping
employment unemployment poverty wealth safety security welfare childcare software hardware
access transparency accountability corruption democracy media press coverage footage
"""

# Irregular nouns: singular and plural both listed.
IRREGULAR_NOUNS = """
man men woman women child children person people foot feet tooth teeth mouse mice life lives
wife wives knife knives half halves shelf shelves leaf leaves wolf wolves thief thieves
crisis crises analysis analyses thesis theses criterion criteria phenomenon phenomena
datum sheep deer fish aircraft series species
"""

# Verbs with regular -s / -ed / -ing forms (derived below).
VERBS = """
open close start finish end move remove improve approve reject accept announce
report confirm deny claim warn urge call ask answer reply respond explain describe discuss debate
agree disagree decide vote elect appoint resign retire hire employ fire dismiss pay fund invest
spend save raise lower increase decrease reduce add count measure estimate expect predict
forecast plan schedule delay postpone cancel launch complete deliver supply provide offer receive
collect gather return visit travel arrive depart stay live work play watch listen look
search discover reveal publish print post share follow help support serve protect
defend attack arrest charge convict sentence jail release free rescue save evacuate flood burn
destroy damage repair fix replace restore rebuild construct design develop test inspect
check monitor review investigate examine study learn teach train prepare organise organize manage
control operate own rent sell buy trade export import produce create form join attend host
celebrate mark honour honor remember mourn die kill injure hurt treat cure recover wait queue
complain protest demonstrate march gather block close reopen connect link cross reach approach
enter exit fail succeed score defeat compete qualify rank list name title sign
register apply request require need want wish hope fear worry believe consider suggest
recommend propose submit present show display perform record film photograph interview quote
comment respond contact email phone text message notify inform update change adjust shift
transfer extend expand shrink limit restrict ban allow permit enable prevent stop avoid
ignore miss include exclude involve affect impact benefit suffer struggle face handle cope
address tackle solve resolve settle negotiate mediate compensate insure cover clean clear empty
fill load unload ship deliver park walk cycle sail land pump drain rain snow
freeze melt heat cool power light switch turn happen occur remain continue last return
drop climb jump argue accuse blame praise thank welcome greet invite refuse deny
admit commit plan permit regret transfer prefer occur control patrol travel label model
cancel signal total equal fuel level
"""

# Verbs whose final consonant doubles before -ed / -ing.
DOUBLING_VERBS = {'stop', 'plan', 'ban', 'admit', 'commit', 'drop', 'ship', 'shop', 'step', 'permit',
                  'regret', 'prefer', 'occur', 'control', 'patrol', 'transfer', 'refer', 'submit', 'grab',
                  'tap', 'nod', 'jog', 'rob', 'plug', 'scrap', 'chat', 'pin', 'slam'}

# Irregular verbs: base, past, past participle (-s and -ing are derived).
IRREGULAR_VERBS = """
be was been|have had had|do did done|go went gone|say said said|make made made|take took taken
get got gotten|give gave given|come came come|see saw seen|know knew known|think thought thought
tell told told|become became become|leave left left|feel felt felt|bring brought brought
begin began begun|keep kept kept|hold held held|write wrote written|stand stood stood
hear heard heard|meet met met|run ran run|set set set|pay paid paid|sit sat sat|speak spoke spoken
lie lay lain|lead led led|read read read|grow grew grown|lose lost lost|fall fell fallen
send sent sent|build built built|understand understood understood|draw drew drawn
break broke broken|spend spent spent|cut cut cut|rise rose risen|drive drove driven
buy bought bought|wear wore worn|choose chose chosen|seek sought sought|throw threw thrown
catch caught caught|deal dealt dealt|win won won|fight fought fought|find found found
put put put|shut shut shut|hit hit hit|hurt hurt hurt|cost cost cost|quit quit quit|spread spread spread
sell sold sold|teach taught taught|steal stole stolen|strike struck struck|swim swam swum
fly flew flown|ride rode ridden|shake shook shaken|sink sank sunk|freeze froze frozen
forget forgot forgotten|forgive forgave forgiven|hide hid hidden|bite bit bitten|blow blew blown
beat beat beaten|bear bore borne|burst burst burst|feed fed fed|flee fled fled|hang hung hung
light lit lit|mean meant meant|sleep slept slept|slide slid slid|split split split|sweep swept swept
withdraw withdrew withdrawn|rebuild rebuilt rebuilt|overturn overturned overturned|undertake undertook undertaken
"""

ADJECTIVES = """
new old young big small large little great good bad best worst better worse high low long short
tall wide narrow deep shallow heavy light strong weak fast slow quick early late public private
local national international global regional federal municipal civic rural urban coastal northern
southern eastern western north south east west central main major minor key chief senior junior
former current recent future past next last first second third final full empty open closed
free busy quiet loud safe dangerous unsafe secure clear unclear certain uncertain likely unlikely
possible impossible available unavailable ready able unable due necessary important serious severe
minor critical urgent emergency temporary permanent annual monthly weekly daily nightly hourly
total average median maximum minimum extra additional further fresh cold hot warm cool wet dry
windy stormy sunny cloudy icy snowy foggy calm rough heavy mild extreme dark bright clean dirty
green blue red black white yellow grey gray brown orange purple pink golden silver rich poor cheap
expensive costly affordable fair unfair legal illegal official unofficial independent political
economic social financial medical environmental historic historical cultural educational
residential commercial industrial agricultural criminal civil military religious democratic
popular unpopular controversial successful unsuccessful effective efficient normal usual unusual
common rare simple complex easy hard difficult different similar same whole entire single double
only various several numerous main primary secondary elderly vulnerable disabled homeless
unemployed missing injured dead alive sick ill healthy happy sad angry worried concerned afraid
proud grateful sorry glad aware unaware responsible accountable transparent honest real true false
wrong right correct accurate exact precise direct indirect personal human natural medical
structural electrical mechanical digital online offline live broken damaged flooded closed
delayed cancelled canceled postponed planned proposed approved rejected elected appointed
"""

ADVERBS = """
quickly slowly suddenly finally recently currently previously immediately eventually gradually
largely mainly mostly partly fully entirely completely totally nearly roughly approximately
about exactly directly publicly privately officially reportedly allegedly apparently clearly
certainly probably possibly likely unlikely seriously badly well better worse further far
fast hard late early especially particularly generally normally typically locally nationally
widely heavily strongly firmly sharply steadily significantly slightly
"""

OTHER_WORDS = """
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december spring summer autumn fall winter
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million billion trillion dozen half quarter third fourth fifth sixth seventh eighth ninth
tenth first second percent km kg mph am pm bbc uk us usa eu un nhs ceo mp mps gmt utc covid
"""

# Subword pieces (after the '##' prefix) for common endings and word parts.
SUFFIX_PIECES = """
s es ed d ing er ers est ly ion ions tion tions sion ment ments ness ity ities al ally ful less
able ible ive ous ious ance ence ancy ency ant ent ism ist ists ize ise ized ised izing ising ship
hood ward wards ic ical y ies ied ish like ling let en th ty teen ary ory ery age ure ate ated ating
ator ian ians an ese ee ees o a i u e r n t l k m p c b g h f w v x z q j
"""

PREFIX_WORDS = """
re un in im dis non pre post over under out up sub super inter trans anti co counter mid mis
multi semi self
"""

PUNCTUATION = list('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') + [
    '\u2018', '\u2019', '\u201c', '\u201d', '\u2013', '\u2014', '\u2026', '\u00a3', '\u20ac', '\u00a7',
    '\u00b0', '\u00b7', '\u2022',
]

VOWELS = set('aeiou')


def words(block):
    return block.split()


def plural(noun):
    if noun.endswith(('s', 'x', 'z', 'ch', 'sh')):
        return noun + 'es'
    if noun.endswith('y') and len(noun) > 1 and noun[-2] not in VOWELS:
        return noun[:-1] + 'ies'
    return noun + 's'


# Forms the rules below would get wrong: base -> (third person, -ing form).
VERB_OVERRIDES = {'be': ('is', 'being'), 'have': ('has', 'having'), 'do': ('does', 'doing'),
                  'go': ('goes', 'going')}


def verb_forms(verb):
    """Third person, past and -ing forms of a regular verb (the past is unused for irregular ones)."""
    if verb in VERB_OVERRIDES:
        third, ing = VERB_OVERRIDES[verb]
        return [third, verb + 'ed', ing]
    third = plural(verb)
    if verb in DOUBLING_VERBS:
        stem = verb + verb[-1]
        return [third, stem + 'ed', stem + 'ing']
    if verb.endswith('e'):
        past = verb + 'd'
        ing = verb[:-2] + 'ying' if verb.endswith('ie') else (
            verb + 'ing' if verb.endswith(('ee', 'ye', 'oe')) else verb[:-1] + 'ing')
        return [third, past, ing]
    if verb.endswith('y') and verb[-2] not in VOWELS:
        return [third, verb[:-1] + 'ied', verb + 'ing']
    return [third, verb + 'ed', verb + 'ing']


def build_vocab():
    """Token list in id order, plus a weight per token (how much it counts in a mean)."""
    tokens = []
    weight = {}

    def add(token, w):
        if token not in weight:
            tokens.append(token)
            weight[token] = w

    for token in SPECIAL_TOKENS:
        add(token, 0.0 if token == '[PAD]' else 0.05)
    for ch in PUNCTUATION:
        add(ch, 0.2)
    for ch in '0123456789':
        add(ch, 0.6)
    for ch in 'abcdefghijklmnopqrstuvwxyz':
        add(ch, 0.3)
    for ch in '0123456789':
        add('##' + ch, 0.6)
    for piece in words(SUFFIX_PIECES):
        add('##' + piece, 0.4)
    for word in words(FUNCTION_WORDS):
        add(word, 0.25)
    content = []
    for noun in words(NOUNS):
        content += [noun, plural(noun)]
    content += words(UNCOUNTABLE)
    content += words(IRREGULAR_NOUNS)
    irregular = [entry.split() for entry in IRREGULAR_VERBS.replace('\n', '|').split('|') if entry.strip()]
    irregular_bases = {base for base, _, _ in irregular}
    for verb in words(VERBS):
        if verb not in irregular_bases:
            content += [verb] + verb_forms(verb)
    for base, past, participle in irregular:
        third, _, ing = verb_forms(base)
        content += [base, third, past, participle, ing]
    content += words(ADJECTIVES)
    content += words(ADVERBS)
    content += words(OTHER_WORDS)
    content += words(PREFIX_WORDS)
    for word in content:
        add(word, 1.0)
    return tokens, weight


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def tokenizer_json(tokens):
    vocab = {token: i for i, token in enumerate(tokens)}
    added = [{
        'id': vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
        'normalized': False, 'special': True,
    } for t in SPECIAL_TOKENS]
    cls_id, sep_id = vocab['[CLS]'], vocab['[SEP]']
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {
            'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
            'strip_accents': None, 'lowercase': True,
        },
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [
                {'SpecialToken': {'id': '[CLS]', 'type_id': 0}},
                {'Sequence': {'id': 'A', 'type_id': 0}},
                {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
            ],
            'pair': [
                {'SpecialToken': {'id': '[CLS]', 'type_id': 0}},
                {'Sequence': {'id': 'A', 'type_id': 0}},
                {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                {'Sequence': {'id': 'B', 'type_id': 1}},
                {'SpecialToken': {'id': '[SEP]', 'type_id': 1}},
            ],
            'special_tokens': {
                '[CLS]': {'id': '[CLS]', 'ids': [cls_id], 'tokens': ['[CLS]']},
                '[SEP]': {'id': '[SEP]', 'ids': [sep_id], 'tokens': ['[SEP]']},
            },
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {
            'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
            'max_input_chars_per_word': 100, 'vocab': vocab,
        },
    }


def tokenizer_config():
    return {
        'tokenizer_class': 'BertTokenizer',
        'do_lower_case': True,
        'strip_accents': None,
        'tokenize_chinese_chars': True,
        'model_max_length': MAX_POSITIONS,
        'clean_up_tokenization_spaces': True,
        'pad_token': '[PAD]',
        'unk_token': '[UNK]',
        'cls_token': '[CLS]',
        'sep_token': '[SEP]',
        'mask_token': '[MASK]',
    }


def special_tokens_map():
    return {'pad_token': '[PAD]', 'unk_token': '[UNK]', 'cls_token': '[CLS]', 'sep_token': '[SEP]',
            'mask_token': '[MASK]'}


def model_config(vocab_size):
    return {
        'architectures': ['BertModel'],
        'model_type': 'bert',
        'hidden_size': HIDDEN_SIZE,
        'num_hidden_layers': 0,
        'num_attention_heads': 1,
        'intermediate_size': HIDDEN_SIZE,
        'hidden_act': 'gelu',
        'max_position_embeddings': MAX_POSITIONS,
        'type_vocab_size': 2,
        'vocab_size': vocab_size,
        'pad_token_id': 0,
        'layer_norm_eps': 1e-12,
        '_note': 'Test-only model generated by scripts/make-tiny-model.py: bag-of-words embeddings, no attention.',
    }


def onnx_model(tokens, weight):
    rng = np.random.RandomState(SEED)
    vocab_size = len(tokens)
    scale = np.array([weight[t] for t in tokens], dtype=np.float32)[:, None]
    word = rng.standard_normal((vocab_size, HIDDEN_SIZE)).astype(np.float32)
    word /= np.linalg.norm(word, axis=1, keepdims=True)
    word *= scale
    position = (0.01 * rng.standard_normal((MAX_POSITIONS, HIDDEN_SIZE))).astype(np.float32)
    token_type = (0.01 * rng.standard_normal((2, HIDDEN_SIZE))).astype(np.float32)

    batch_seq = ['batch_size', 'sequence_length']
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, batch_seq)
              for name in ('input_ids', 'attention_mask', 'token_type_ids')]
    output = helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT,
                                           batch_seq + [HIDDEN_SIZE])
    initializers = [
        numpy_helper.from_array(word, 'embeddings.word_embeddings.weight'),
        numpy_helper.from_array(position, 'embeddings.position_embeddings.weight'),
        numpy_helper.from_array(token_type, 'embeddings.token_type_embeddings.weight'),
        numpy_helper.from_array(np.array(0, dtype=np.int64), 'zero'),
        numpy_helper.from_array(np.array(1, dtype=np.int64), 'one'),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), 'last_axis'),
    ]
    nodes = [
        helper.make_node('Gather', ['embeddings.word_embeddings.weight', 'input_ids'], ['word']),
        helper.make_node('Shape', ['input_ids'], ['ids_shape']),
        helper.make_node('Gather', ['ids_shape', 'one'], ['seq_len'], axis=0),
        helper.make_node('Range', ['zero', 'seq_len', 'one'], ['position_ids']),
        helper.make_node('Gather', ['embeddings.position_embeddings.weight', 'position_ids'], ['position']),
        helper.make_node('Gather', ['embeddings.token_type_embeddings.weight', 'token_type_ids'], ['token_type']),
        helper.make_node('Add', ['word', 'position'], ['word_position']),
        helper.make_node('Add', ['word_position', 'token_type'], ['embedded']),
        helper.make_node('Cast', ['attention_mask'], ['mask_float'], to=TensorProto.FLOAT),
        helper.make_node('Unsqueeze', ['mask_float', 'last_axis'], ['mask_column']),
        helper.make_node('Mul', ['embedded', 'mask_column'], ['last_hidden_state']),
    ]
    graph = helper.make_graph(nodes, 'tiny_bert', inputs, [output], initializers)
    model = helper.make_model(graph, producer_name='newsroom-bot make-tiny-model.py',
                              opset_imports=[helper.make_opsetid('', 14)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(value, handle, ensure_ascii=False, indent=1)
        handle.write('\n')


def main():
    tokens, weight = build_vocab()
    os.makedirs(os.path.join(OUT_DIR, 'onnx'), exist_ok=True)
    write_json(os.path.join(OUT_DIR, 'tokenizer.json'), tokenizer_json(tokens))
    write_json(os.path.join(OUT_DIR, 'tokenizer_config.json'), tokenizer_config())
    write_json(os.path.join(OUT_DIR, 'special_tokens_map.json'), special_tokens_map())
    write_json(os.path.join(OUT_DIR, 'config.json'), model_config(len(tokens)))
    model = onnx_model(tokens, weight)
    onnx.save(model, os.path.join(OUT_DIR, 'onnx', 'model.onnx'))
    onnx.save(model, os.path.join(OUT_DIR, 'onnx', 'model_quantized.onnx'))
    whole_words = sum(1 for t in tokens if t.isalpha() and len(t) > 1)
    print(f'wrote {os.path.normpath(OUT_DIR)}: {len(tokens)} tokens ({whole_words} whole words), '
          f'dim {HIDDEN_SIZE}', file=sys.stderr)


if __name__ == '__main__':
    main()
