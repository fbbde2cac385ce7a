export const id = 376;
export const ids = [376];
export const modules = {

/***/ 2376:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  V3_RATE_LIMIT: () => (/* binding */ V3_RATE_LIMIT),
  v3Adapter: () => (/* binding */ v3Adapter),
  v3Api: () => (/* binding */ v3Api)
});

// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/lazy.ts
var lazy = __webpack_require__(8381);
// EXTERNAL MODULE: ./src/core/money.ts
var money = __webpack_require__(4247);
// EXTERNAL MODULE: ./src/hedra/api.ts
var api = __webpack_require__(9780);
// EXTERNAL MODULE: ./src/http/errors.ts
var http_errors = __webpack_require__(8549);
// EXTERNAL MODULE: ./src/pipeline/context.ts
var context = __webpack_require__(7057);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8816);
// EXTERNAL MODULE: ./src/core/outside.ts
var outside = __webpack_require__(8328);
// EXTERNAL MODULE: ./src/core/suggest.ts
var suggest = __webpack_require__(2085);
// EXTERNAL MODULE: ./src/hedra/calls.ts
var calls = __webpack_require__(5549);
// EXTERNAL MODULE: ./src/hedra/lenient.ts
var lenient = __webpack_require__(75);
// EXTERNAL MODULE: ./src/inputs/parsers.ts
var parsers = __webpack_require__(5165);
// EXTERNAL MODULE: ./src/core/json.ts
var json = __webpack_require__(6153);
;// CONCATENATED MODULE: ./src/apis/v3/catalogue.ts
// Every model id of v3's catalogue, for the did-you-mean of a model Hedra does not have: GET /models is
// paged ({data, next_cursor}; `cursor` asks for the next page), and the closest id may be on any page.

/** At most this many pages are read: a suggestion is worth a few requests, not an unbounded walk. */
const MAX_CATALOGUE_PAGES = 20;
/**
 * The ids of every page, following `next_cursor` until it is null (or repeats, or the page cap is reached).
 * `page` reads one page: GET /models, or GET /models?cursor=… for the next. A page that fails ends the walk
 * with what was read before it; the first page's failure is the caller's.
 */
async function catalogueIds(page) {
    const ids = [];
    const seen = new Set();
    let cursor;
    for (let read = 0; read < MAX_CATALOGUE_PAGES; read++) {
        let answer;
        try {
            answer = await page(cursor);
        }
        catch (error) {
            if (read === 0)
                throw error;
            break;
        }
        const data = (0,json/* isObject */.Gv)(answer) && Array.isArray(answer.data) ? answer.data : [];
        for (const model of data)
            if ((0,json/* isObject */.Gv)(model) && typeof model.id === 'string' && model.id)
                ids.push(model.id);
        const next = (0,json/* isObject */.Gv)(answer) && typeof answer.next_cursor === 'string' && answer.next_cursor !== '' ? answer.next_cursor : undefined;
        if (next === undefined || seen.has(next))
            break;
        seen.add(next);
        cursor = next;
    }
    return ids;
}

// EXTERNAL MODULE: ./src/hedra/answers.ts
var answers = __webpack_require__(7055);
// EXTERNAL MODULE: ./src/http/answers.ts
var http_answers = __webpack_require__(1079);
;// CONCATENATED MODULE: ./src/apis/v3/errors.ts
// v3's error vocabulary: every error is one envelope, {"error": {code,
// message, retryable, retry_after, param, details, replaced_by, billing},
// "trace_id"}, read leniently (any field may be missing or odd); its messages
// are keyed on `code`, never on the wording of `message`. Builds after spec
// 3.9.0 add an OpenAI-style `error.type` (`invalid_request_error`, ...) and
// say "match on `code`": a string `code` makes a body v3, whatever `type`
// holds. A body that is no envelope (a gateway's page) is said as it is.






/** The keys only a v3 error object has (a v2 error object names its code `type`, and has none of these). */
const V3_KEYS = ['code', 'retryable', 'retry_after', 'details', 'replaced_by', 'billing'];
/** A string from the envelope as outside text (core/outside.ts: printable, one line, capped), or undefined when empty. */
const nonEmptyString = (value) => {
    const text = typeof value === 'string' ? (0,outside/* said */.ag)(value) : '';
    return text === '' ? undefined : text;
};
/** A number, or a string that is one (read leniently). */
function numberOf(value) {
    if (typeof value === 'number')
        return Number.isFinite(value) ? value : undefined;
    if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value))
        return Number(value);
    return undefined;
}
function fieldError(item) {
    if (typeof item === 'string')
        return item.trim() ? { field: '', message: item.trim() } : undefined;
    if (!(0,json/* isObject */.Gv)(item))
        return undefined;
    const field = nonEmptyString(item.field) ?? '';
    const reason = nonEmptyString(item.reason);
    const message = nonEmptyString(item.message) ?? reason ?? 'invalid';
    const allowed = Array.isArray(item.allowed)
        ? item.allowed
            .slice(0, 50)
            .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
            .map((v) => (0,outside/* said */.ag)(String(v), 100))
        : [];
    return { field, message, ...(reason && { reason }), ...(allowed.length > 0 && { allowed }) };
}
function billingOf(value) {
    if (!(0,json/* isObject */.Gv)(value))
        return undefined;
    const balance = numberOf(value.balance);
    const required = numberOf(value.required);
    const currency = nonEmptyString(value.currency);
    const fundingUrl = (0,outside/* hedraLink */.$I)(value.funding_url);
    // Said back in the message: only a code's shape (`card_declined`), never Hedra's free text.
    const reason = nonEmptyString(value.reason);
    return {
        ...(balance !== undefined && { balance }),
        ...(required !== undefined && { required }),
        ...(currency && /^[A-Za-z]{3}$/.test(currency) && { currency: currency.toUpperCase() }),
        ...(fundingUrl && { fundingUrl }),
        ...(reason && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(reason) && { reason }),
    };
}
/**
 * Whether an `error` object is v3's: a string `code` says so, whatever else it holds (later builds add
 * `type`, the OpenAI error type, beside it). Without one, v2's string `type` (its code) says it is not;
 * otherwise a v3 key (`retryable`, `details`, ...) or a `trace_id` beside it does.
 */
function isV3Error(error, body) {
    if (typeof error.code === 'string')
        return true;
    if (typeof error.type === 'string')
        return false;
    return V3_KEYS.some((key) => key in error) || 'trace_id' in body;
}
/** The v3 error envelope of an answer's (parsed) body, or undefined when the body is not one (see isV3Error). */
function v3Envelope(body) {
    if (!(0,json/* isObject */.Gv)(body) || !(0,json/* isObject */.Gv)(body.error) || !isV3Error(body.error, body))
        return undefined;
    const error = body.error;
    const retryAfter = numberOf(error.retry_after);
    const traceId = nonEmptyString(body.trace_id);
    const code = nonEmptyString(error.code);
    const message = nonEmptyString(error.message);
    const param = nonEmptyString(error.param);
    const replacedBy = nonEmptyString(error.replaced_by);
    const billing = billingOf(error.billing);
    return {
        ...(code && { code }),
        ...(message && { message: message.slice(0, 500) }),
        ...(typeof error.retryable === 'boolean' && { retryable: error.retryable }),
        ...(retryAfter !== undefined && retryAfter >= 0 && { retryAfterSeconds: retryAfter }),
        ...(param && { param }),
        details: (Array.isArray(error.details) ? error.details : []).map(fieldError).filter((d) => d !== undefined),
        ...(replacedBy && { replacedBy }),
        ...(billing && { billing }),
        ...(traceId && /^[0-9a-f]{32}$/i.test(traceId) && { traceId }),
    };
}
/** The most detail lines a message lists; the rest are counted. */
const MAX_DETAIL_LINES = 20;
/**
 * A v3 validation failure's details as `field: message (allowed: a, b)`
 * lines, the fields named by `fieldName` (by default Hedra's own names, e.g.
 * `input.aspect_ratio`; the v3 client passes one that gives the workflow's
 * input names). Hedra's messages start with the field already
 * (`input.aspect_ratio: Input should be ...`): that start is not repeated.
 * Empty when the body is no v3 envelope or has no details.
 */
function v3DetailLines(body, fieldName) {
    return detailLines(v3Envelope(body)?.details ?? [], fieldName);
}
function detailLines(details, fieldName = (field) => field) {
    const lines = details.slice(0, MAX_DETAIL_LINES).map(({ field, message, allowed }) => {
        const own = field && message.startsWith(`${field}:`) ? message.slice(field.length + 1).trim() : message;
        const name = field ? fieldName(field) : '';
        const values = allowed ? ` (allowed: ${allowed.join(', ')})` : '';
        return `${name ? `${name}: ` : ''}${own}${values}`;
    });
    if (details.length > MAX_DETAIL_LINES)
        lines.push(`… and ${details.length - MAX_DETAIL_LINES} more`);
    return lines;
}
const MODELS_PAGE = 'https://www.hedra.com/develop/models';
const BILLING_PAGE = 'https://www.hedra.com/develop/billing';
/** The model a call is about (`POST /models/kling-v3`, `GET /models/x/voices`), if any. */
function modelOf(operation) {
    const match = /\/models\/([^/?#\s]+)/.exec(operation);
    if (!match)
        return undefined;
    try {
        return decodeURIComponent(match[1]);
    }
    catch {
        return match[1];
    }
}
/** Hedra's sentence without its closing full stop, so that one can follow. */
const sentence = (text) => text.replace(/[.\s]+$/, '');
/** ": balance $0.00, this request costs $0.05 (USD)" from the envelope's billing, or "" without it. */
function walletFigures(billing) {
    if (!billing)
        return '';
    const code = billing.currency ?? 'USD';
    const usd = code === 'USD' ? ' (USD)' : '';
    const balance = billing.balance === undefined ? undefined : `balance ${(0,money/* currency */.Gl)(billing.balance, code)}`;
    if (billing.required !== undefined) {
        return `: ${[balance, `this request costs ${(0,money/* currency */.Gl)(billing.required, code)}`].filter(Boolean).join(', ')}${usd}`;
    }
    const unknown = 'the price of this request is not known until Hedra has measured its inputs';
    return balance ? `: ${balance}${usd}; ${unknown}` : `: ${unknown}`;
}
function walletMessage(status, envelope, operation) {
    const { billing, message } = envelope;
    const said = !billing && message ? ` Hedra says: ${sentence(message)}.` : '';
    const url = billing?.fundingUrl ?? BILLING_PAGE;
    // A wallet with automatic top-up is charged at submit: Hedra says why that charge failed.
    const topUp = billing?.reason ? ` The wallet's automatic top-up failed (${billing.reason}): check the payment method it charges, or add funds by hand.` : '';
    return (`Not enough money in the Hedra API wallet for this request${walletFigures(billing)} (HTTP ${status}, ${operation}).${said}${topUp} ` +
        `Add funds at ${url}. The v3 API wallet is prepaid and separate from v2 generation credits and Studio credits.`);
}
function retiredMessage(status, envelope, operation) {
    const model = modelOf(operation);
    const head = `${model ? `Model "${model}"` : 'The model'} is retired (HTTP ${status}, ${operation}).`;
    // The successor becomes advice ("set input model to …"): only a model id is repeated, never Hedra's free text.
    const successor = (0,outside/* name */.UU)(envelope.replacedBy);
    if (successor)
        return `${head} Hedra names its successor: "${successor}" — set input "model" to ${successor}.`;
    if (envelope.replacedBy)
        return `${head} Hedra named a successor that is not a model id; choose another model from the catalogue at ${MODELS_PAGE}.`;
    return `${head} Hedra names no successor; choose another model from the catalogue at ${MODELS_PAGE}.`;
}
/** ` (trace id …)` put at the end of the first line, before its closing punctuation. */
function withTrace(message, traceId) {
    if (!traceId)
        return message;
    const [first, ...rest] = message.split('\n');
    const close = /[.:]$/.exec(first)?.[0] ?? '';
    return [`${first.slice(0, first.length - close.length)} (trace id ${traceId})${close}`, ...rest].join('\n');
}
/**
 * The message describeV3Error gives a v3 error answer (its body, parsed), with the
 * fields of a validation failure named by `fieldName` (see v3DetailLines):
 * for the v3 client to rewrite a HttpError's message in the workflow's
 * terms. Undefined when the body is no v3 envelope.
 */
function v3Message(status, body, operation, fieldName) {
    const envelope = v3Envelope(body);
    return envelope && envelopeMessage(status, envelope, operation, fieldName);
}
/** The message for a v3 error envelope, keyed on its `code`. */
function envelopeMessage(status, envelope, operation, fieldName) {
    const { code, message, param, details } = envelope;
    let text;
    if (code === 'INSUFFICIENT_BALANCE' || code === 'MISSING_CREDITS' || (code === undefined && status === 402) || envelope.billing) {
        text = walletMessage(status, envelope, operation);
    }
    else if ((code === 'INVALID_ARGUMENT' || code === undefined) && details.length > 0) {
        text = `Hedra rejected the request (HTTP ${status}, ${operation}):\n- ${detailLines(details, fieldName).join('\n- ')}`;
    }
    else if (code === 'GONE' && (envelope.replacedBy || modelOf(operation))) {
        text = retiredMessage(status, envelope, operation);
    }
    else if (code === 'UNAUTHORIZED' || code === 'PERMISSION_DENIED' || (code === undefined && (status === 401 || status === 403))) {
        text = (0,answers/* keyRefused */.w)(status, operation, message && sentence(message));
    }
    else {
        const about = param && !message?.includes(param) ? ` (field ${fieldName ? fieldName(param) : param})` : '';
        const said = [code, message && sentence(message)].filter(Boolean).join(': ');
        text = `Hedra answered HTTP ${status} to ${operation}${said ? `: ${said}` : ' with no message'}${about}.`;
    }
    return withTrace(text, envelope.traceId);
}
/**
 * A non-2xx answer of the v3 API (or of a presigned URL it handed out) as an error a person can act on. The
 * envelope gives the error Hedra's `retryable` (when a boolean) and, when the answer had no Retry-After
 * header, its `retry_after` in its place.
 */
function describeV3Error(answer) {
    const { status, operation, retryAfter, rateLimitReset } = answer;
    const body = (0,http_answers/* parseBody */.OG)(answer.text);
    const envelope = v3Envelope(body);
    if (envelope) {
        const headerSaid = retryAfter !== undefined && retryAfter.trim() !== '';
        const after = headerSaid || envelope.retryAfterSeconds === undefined ? retryAfter : String(Math.ceil(envelope.retryAfterSeconds));
        return new http_errors/* HttpError */.j$(envelopeMessage(status, envelope, operation), status, body, after, rateLimitReset, { retryable: envelope.retryable });
    }
    // Not Hedra's envelope (a gateway's or a proxy's answer): said as it is.
    const said = (0,http_answers/* serverMessage */.x_)(body) || undefined;
    let message;
    if (status === 422 && (0,json/* isObject */.Gv)(body) && Array.isArray(body.detail)) {
        message = `Hedra rejected the request (HTTP 422, ${operation}):\n- ${(0,http_answers/* validationLines */.F_)(body.detail).join('\n- ')}`;
    }
    else if (status === 401 || status === 403) {
        message = (0,answers/* keyRefused */.w)(status, operation, said);
    }
    else {
        message = (0,answers/* answered */.o)(status, operation, said);
    }
    return new http_errors/* HttpError */.j$(message, status, body, retryAfter, rateLimitReset);
}

;// CONCATENATED MODULE: ./src/apis/v3/client.ts
// Hedra's v3 endpoints, on the same transport as v2 (the key goes as
// `Authorization: Key <key_id>:<secret>`). Answers are read leniently, like
// v2's; ids are checked strictly, because they name files and reach the log.
//
// Submitting is the one billed call. It is retried by the policy like any
// other, because every submit carries an idempotency key chosen before the
// first attempt: Hedra replays the original answer to a repeated submit
// instead of starting a second job (docs/decisions/v3.md).











/** Where a person finds the models v3 offers. */
const V3_CATALOGUE_URL = 'https://www.hedra.com/develop/models';
/**
 * A v3 id from Hedra: "server-issued, and opaque" (the examples show `job_<uuid>`, `asset_<uuid>`). Anything
 * safe to name a file, a URL path and a log line passes (isV3Id: its prefix, then letters, digits, `_` and
 * `-`, kept as written), so that a billed job is never refused over the form of its id; anything else (a
 * `../`, a line break, a `?`) is refused before it names anything.
 */
const jobId = () => schemas/* string */.YjP().refine((id) => (0,parsers/* isV3Id */.v_)('job', id), 'is not a v3 job id (job_…)');
const assetId = () => schemas/* string */.YjP().refine((id) => (0,parsers/* isV3Id */.v_)('asset', id), 'is not a v3 asset id (asset_…)');
const modelDetail = schemas/* looseObject */._H3({
    id: schemas/* string */.YjP(),
    modality: (0,lenient/* lenientText */.t9)(),
    name: (0,lenient/* lenientText */.t9)(),
    input_schema: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()),
});
const submitAck = schemas/* looseObject */._H3({ job_id: jobId(), model: (0,lenient/* lenientText */.t9)(), status: (0,lenient/* lenientText */.t9)() });
const jobStatus = schemas/* looseObject */._H3({
    job_id: jobId().optional(),
    status: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig()]).transform(String),
    progress: (0,lenient/* lenientNumber */.T3)(),
    estimated_completion_at: (0,lenient/* lenientText */.t9)(),
});
/** With `logs_after=start`: the job's lifecycle events from the first (`queued`, when it was submitted). */
const jobStatusWithLogs = jobStatus.extend({
    logs: schemas/* array */.YOg(schemas/* looseObject */._H3({ timestamp: (0,lenient/* lenientText */.t9)() }).catch({ timestamp: undefined }))
        .nullish()
        .catch(undefined),
});
/** The error envelope of a failed job or output, kept as Hedra wrote it (read by the reporting). */
const envelope = schemas/* looseObject */._H3({
    code: (0,lenient/* lenientText */.t9)(),
    message: (0,lenient/* lenientText */.t9)(),
    param: (0,lenient/* lenientText */.t9)(),
    details: schemas/* array */.YOg(schemas/* looseObject */._H3({ field: (0,lenient/* lenientText */.t9)(), message: (0,lenient/* lenientText */.t9)() }))
        .catch([])
        .nullish(),
})
    .nullish()
    .catch(undefined);
/** Whether a value is a v3 voice id safe to show and to pass on (a step output, the log). */
const isVoiceId = (value) => typeof value === 'string' && (0,parsers/* isV3Id */.v_)('voice', value);
/** A voice an output may be (a voice clone's): a safe id, or nothing (it reaches the outputs and the log). */
const voiceId = () => schemas/* string */.YjP().refine((id) => (0,parsers/* isV3Id */.v_)('voice', id), 'is not a v3 voice id (voice_…)');
const outputItem = schemas/* looseObject */._H3({
    status: (0,lenient/* lenientText */.t9)(),
    // Null once expired; when given, a v3 asset id (it names the downloaded file), or the voice a voice clone made.
    asset_id: schemas/* union */.KCZ([assetId(), voiceId()]).nullish(),
    // An output that is a voice, not a file (undocumented: whichever key carries it), read in results.ts.
    voice_id: voiceId().nullish(),
    id: schemas/* unknown */.L5J().optional(),
    url: (0,lenient/* resultUrl */.Vm)(),
    content_type: (0,lenient/* lenientText */.t9)(),
    error: envelope,
});
const jobResult = schemas/* looseObject */._H3({
    job_id: jobId(),
    model: (0,lenient/* lenientText */.t9)(),
    status: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig()]).transform(String),
    // The prompt the job ran with: a key Hedra replays whatever the body may answer with another request's job.
    prompt: (0,lenient/* lenientText */.t9)(),
    outputs: schemas/* array */.YOg(outputItem).nullish(),
    voice_id: voiceId().nullish(),
    error: envelope,
    cost: (0,lenient/* lenientNumber */.T3)(),
    currency: (0,lenient/* lenientText */.t9)(),
});
const fileHandle = schemas/* looseObject */._H3({
    url: schemas/* string */.YjP().refine((url) => /^https?:\/\//i.test(url) && URL.canParse(url), 'is not an http(s) URL'),
    content_type: (0,lenient/* lenientText */.t9)(),
    expires_at: (0,lenient/* lenientText */.t9)(),
});
// Figures of money are kept as Hedra sent them and judged by amountIn: a price that is not a finite amount
// of 0 or more in US dollars must be refused by name, not read as absent or as dollars.
const estimateAnswer = schemas/* looseObject */._H3({ cost: schemas/* unknown */.L5J().optional(), currency: schemas/* unknown */.L5J().optional() });
const balanceAnswer = schemas/* looseObject */._H3({ balance: schemas/* unknown */.L5J().optional(), currency: schemas/* unknown */.L5J().optional() });
/** The job a submit's `Location` names (`/v3/jobs/job_…`, or a whole URL ending so), when it is a v3 job id. */
function jobInLocation(location) {
    const path = location && URL.canParse(location, 'http://h') ? new URL(location, 'http://h').pathname : '';
    const job = /\/jobs\/([^/]+)\/?$/.exec(path)?.[1];
    return job && (0,parsers/* isV3Id */.v_)('job', job) ? job : undefined;
}
/** v3 prices everything in US dollars. */
const UNIT = 'USD';
const absent = (value) => value === undefined || value === null;
class HedraV3Client {
    calls;
    transport;
    /** Hedra's clock as its last answer told it (`Date`, to the second): see `hedraTime`. */
    heard;
    constructor(transport, log, clock) {
        this.transport = transport;
        this.calls = new calls/* Calls */.g(transport, log, clock);
    }
    /**
     * The latest instant Hedra's own clock is known to have passed: the `Date` of its latest answer, an HTTP
     * date to the second, rounded down (RFC 9110 has every origin server with a clock send it). A job Hedra
     * stamps earlier existed before that answer left Hedra, whatever this machine's clock says; undefined when
     * no answer carried a date.
     */
    hedraTime() {
        return this.heard;
    }
    hear(headers) {
        const at = Date.parse(headers.get('date') ?? '');
        if (!Number.isNaN(at) && (this.heard === undefined || at > this.heard))
            this.heard = at;
    }
    /** A JSON call, retried, its answer's date heard. */
    json(method, path, body, extra = {}) {
        return this.calls.retrying(`${method} ${path}`, () => this.transport.requestJson(method, path, body, (headers) => this.hear(headers)), extra);
    }
    /**
     * The model and its input schema (GET /models/{model}). A model Hedra does not have is the user's
     * mistake: the message suggests the closest ids of the catalogue (GET /models).
     */
    async model(model) {
        const path = `/models/${encodeURIComponent(model)}`;
        let answer;
        try {
            answer = await this.json('GET', path);
        }
        catch (error) {
            // A retired model is the user's to change (its message names the successor), whatever the status says it with.
            if (error instanceof http_errors/* HttpError */.j$ && v3Envelope(error.body)?.code === 'GONE')
                throw new errors/* InputError */.dz(error.message);
            if (error instanceof http_errors/* HttpError */.j$ && error.status === 404)
                throw new errors/* InputError */.dz(`${await this.unknownModel(model)}`);
            throw error;
        }
        const detail = (0,lenient/* read */.LF)(modelDetail, answer, `GET ${path}`);
        // The modality names what is made, in the summary's heading and in messages: only a name-shaped one is kept.
        return { id: detail.id, modality: (0,outside/* name */.UU)(detail.modality) ?? '', name: detail.name ?? undefined, inputSchema: detail.input_schema };
    }
    async unknownModel(model) {
        const said = `Input "model": Hedra's v3 API has no model "${model}" (see ${V3_CATALOGUE_URL}).`;
        try {
            // Every page: the closest id may be on any of them.
            const ids = await catalogueIds((cursor) => this.json('GET', cursor === undefined ? '/models' : `/models?cursor=${encodeURIComponent(cursor)}`, undefined, { attempts: 2 }));
            return `${said}${(0,suggest/* didYouMean */.a)(model, ids)}`;
        }
        catch {
            return said;
        }
    }
    /**
     * What a submit of `input` would cost (POST /models/{model}/estimate); free, so retried. 'unpriceable' when
     * Hedra says the model cannot be priced before it has measured the inputs: the spec says the estimate "says
     * so explicitly" without saying how, so both plausible forms count: an answer with no (or a null) cost, and
     * an error envelope whose `billing` has no `required` figure.
     */
    async estimate(model, input) {
        const path = `/models/${encodeURIComponent(model)}/estimate`;
        let answer;
        try {
            answer = (0,lenient/* read */.LF)(estimateAnswer, await this.json('POST', path, { input }, { attempts: 3 }), `POST ${path}`);
        }
        catch (error) {
            const billing = error instanceof http_errors/* HttpError */.j$ ? v3Envelope(error.body)?.billing : undefined;
            if (billing && billing.required === undefined)
                return 'unpriceable';
            throw error;
        }
        return absent(answer.cost) ? 'unpriceable' : (0,money/* amountIn */.Is)(UNIT, answer.cost, answer.currency, 'cost');
    }
    /** What the API wallet holds (GET /balance). The run can go on without it (Hedra checks at submit): three attempts. */
    async balance() {
        const answer = (0,lenient/* read */.LF)(balanceAnswer, await this.json('GET', '/balance', undefined, { attempts: 3 }), 'GET /balance');
        return absent(answer.balance) ? undefined : (0,money/* amountIn */.Is)(UNIT, answer.balance, answer.currency, 'balance');
    }
    /** Stores a local file (POST /files, multipart field `file`): its handle, a URL valid for an hour. Free; retried, reopening the file. */
    async uploadFile(file) {
        return this.calls.retrying('POST /files', async () => {
            const text = await this.transport.uploadFile('/files', file);
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                // As requestJson does: a body cut short or a proxy's page is the network's failure, and storing again is free.
                throw new http_errors/* NetworkError */.Dr(`Hedra answered POST /files with a body that is not JSON (${text.length} bytes).`);
            }
            return (0,lenient/* read */.LF)(fileHandle, body, 'POST /files');
        });
    }
    /**
     * Submits one job. Retried by the policy under the same idempotency key, so an attempt whose
     * answer was lost is answered, the next time, with the job it started. `onAccepted` hears the job
     * as soon as the answer's headers name it (`Location`, documented as the job's path on a 202): the
     * job exists then, even if the body of the answer never arrives.
     */
    async submit(model, input, idempotencyKey, onAccepted) {
        const path = `/models/${encodeURIComponent(model)}`;
        const body = { input, idempotency_key: idempotencyKey };
        const accepted = (headers) => {
            const job = jobInLocation(headers.get('location'));
            if (job)
                onAccepted?.(job);
        };
        return this.calls.retrying(`POST ${path}`, async () => (0,lenient/* read */.LF)(submitAck, await this.transport.requestJson('POST', path, body, accepted), `POST ${path}`), {
            retryNote: () => 'submitting again under the same idempotency key (Hedra answers a repeat with the job it started)',
        });
    }
    async status(job) {
        const path = `/jobs/${encodeURIComponent(job)}/status`;
        return (0,lenient/* read */.LF)(jobStatus, await this.json('GET', path), `GET ${path}`);
    }
    /**
     * The job's status and when Hedra says it was submitted (its first lifecycle event, read with
     * `logs_after=start`; undefined when Hedra gives none): how a job an earlier run made is told apart.
     */
    async statusAndStart(job) {
        const path = `/jobs/${encodeURIComponent(job)}/status?logs_after=start`;
        const answer = (0,lenient/* read */.LF)(jobStatusWithLogs, await this.json('GET', path), `GET ${path}`);
        const first = answer.logs?.[0]?.timestamp;
        const at = first ? Date.parse(first) : Number.NaN;
        return { status: answer, submittedAt: Number.isNaN(at) ? undefined : at };
    }
    async result(job) {
        const path = `/jobs/${encodeURIComponent(job)}`;
        const result = (0,lenient/* read */.LF)(jobResult, await this.json('GET', path), `GET ${path}`);
        if (result.job_id !== job)
            throw new errors/* UnexpectedAnswer */.M7(`Hedra answered GET ${path} with another job (${result.job_id}).`, result);
        return result;
    }
    /** Opens the job's event stream (GET /jobs/{id}/stream); one attempt: the caller falls back to polling. */
    openStream(job, lastEventId) {
        return this.transport.openEventStream(`/jobs/${encodeURIComponent(job)}/stream`, lastEventId);
    }
    /** Reads a status frame of the stream as the status endpoint's answer. */
    static statusFrame(data) {
        try {
            const parsed = jobStatus.safeParse(JSON.parse(data));
            return parsed.success ? parsed.data : undefined;
        }
        catch {
            return undefined;
        }
    }
}

// EXTERNAL MODULE: ./src/hedra/poll.ts
var poll = __webpack_require__(3015);
// EXTERNAL MODULE: ./src/hedra/poll-schedule.ts
var poll_schedule = __webpack_require__(9113);
// EXTERNAL MODULE: ./node_modules/eventsource-parser/dist/parse.js + 1 modules
var parse = __webpack_require__(6085);
;// CONCATENATED MODULE: ./src/http/sse.ts
// Reads a server-sent-events body (text/event-stream) into events, by the
// SSE rules (WHATWG HTML, "Parsing an event stream"), with eventsource-parser:
// lines end in CRLF, LF or CR; `:` starts a comment; `data:` lines join with
// "\n"; a blank line ends an event; a block without `data` is no event.
// Bytes are decoded as UTF-8 across chunk boundaries. Events are yielded as
// they complete; a last event without its blank line is dropped when the body
// ends. What the events mean (Hedra's `status`, `log`, `done`) is the caller's.


/** The most characters one event (or one unfinished line) may buffer: far more than any status or log event. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;
/**
 * The events of an SSE body, as they complete. `onActivity` is called for
 * every chunk received, keep-alive comments included (for a stall watchdog);
 * `onRetry` with each `retry:` field's milliseconds (how long the server asks
 * a client to wait before reconnecting). An error of the body passes through
 * after the events before it; ending the iteration early ends the reading of
 * the body.
 */
async function* readEventStream(body, onActivity, onRetry) {
    const decoder = new TextDecoder('utf-8');
    const ready = [];
    let lastId;
    let overflow = false;
    const parser = (0,parse/* createParser */.C)({
        maxBufferSize: MAX_EVENT_CHARS,
        // An id-only block moves the last event id too (onId comes before onEvent).
        onId: (id) => {
            lastId = id;
        },
        onRetry: (ms) => onRetry?.(ms),
        onEvent: (message) => {
            ready.push({ event: message.event || 'message', data: message.data, ...(lastId !== undefined && { id: lastId }) });
        },
        onError: (error) => {
            if (error.type === 'max-buffer-size-exceeded')
                overflow = true;
        },
    });
    const feed = (text) => {
        parser.feed(text);
        if (overflow) {
            throw new errors/* UnexpectedAnswer */.M7(`An event of the event stream is over ${MAX_EVENT_CHARS / (1024 * 1024)} MiB, more than any event a server sends; it was not read further.`, undefined);
        }
    };
    for await (const chunk of body) {
        onActivity?.();
        feed(decoder.decode(chunk, { stream: true }));
        // Taken one at a time: the consumer may stop between events.
        while (ready.length > 0)
            yield ready.shift();
    }
    // Flush the decoder: what is left cannot end a line, so no event should follow from it.
    feed(decoder.decode());
    while (ready.length > 0)
        yield ready.shift();
}

;// CONCATENATED MODULE: ./src/apis/v3/follow.ts







/** v3's job statuses in the words the shared waiting and reporting use. */
const AS_V2 = { IN_QUEUE: 'queued', IN_PROGRESS: 'processing', COMPLETED: 'complete', FAILED: 'error' };
function asItemStatus(job, status) {
    // A status Hedra's document does not list is shown only when it has the shape of a name (it reaches the log).
    return { id: job, status: AS_V2[status.status] ?? (0,outside/* name */.UU)(status.status.toLowerCase()) ?? 'unknown', progress: status.progress ?? undefined };
}
const isFinal = (status) => status?.status === 'COMPLETED' || status?.status === 'FAILED';
/** The stream's last frame: `event: done`, with `data: [STREAM_DONE]` (3.9.0) or the final status as JSON (3.0.1). */
const STREAM_DONE = '[STREAM_DONE]';
/** How many times a stream Hedra closed before the job ended is opened again before the job is polled instead. */
const MAX_RECONNECTS = 2;
/** How long to wait before reconnecting when the stream named no `retry:`. */
const RECONNECT_DEFAULT_MS = 1000;
/** The longest `retry:` honoured: a longer one is cut to it (the job is not left unwatched for minutes). */
const RECONNECT_MAX_MS = 30_000;
/** At most one status line a second per job (a status that flaps would otherwise flood the log); a final one always. */
const LINE_EVERY_MS = 1000;
/**
 * How long a stream may go on without a word about the status (keep-alives, logs, bytes without an end of line)
 * before the status is read once: the poll interval, what polling would wait at this point of the job (2 s at
 * first, longer as the job's own progress says its end is far: poll-schedule.ts), so that a job that is done is
 * noticed as soon as polling would have noticed it, and a long job's quiet stream is not polled every 2 s.
 * `history` is what the stream (and the reads) said of the status since following began at `startedAt`.
 */
const quietCheckAfter = (now, startedAt, history) => (0,poll_schedule/* nextPollDelay */.qC)({ now, startedAt, history });
/**
 * Follows every job until it has ended; resolves with their last statuses in order (undefined for a job
 * that could not be followed: see onLost). At the deadline, throws WaitTimeout with what was last seen of each.
 */
async function waitForJobs(jobs, options) {
    const last = new Map(jobs.map((job) => [job, undefined]));
    try {
        return await Promise.all(jobs.map((job) => follow(job, options, last, jobs.length > 1).catch((error) => {
            if (error instanceof errors/* Cancelled */.cJ || error instanceof errors/* DeadlineReached */.h_ || error instanceof api/* WaitTimeout */.vw)
                throw error;
            options.onLost(job, error);
            return undefined;
        })));
    }
    catch (error) {
        // The run's deadline (during a stream, a poll or a sleep) or the poller's: the same timeout, with every job's view.
        if (error instanceof errors/* DeadlineReached */.h_ || error instanceof api/* WaitTimeout */.vw)
            throw new api/* WaitTimeout */.vw(last);
        throw error;
    }
}
/** One job: its stream, then (if needed) polling. */
async function follow(job, options, last, batch) {
    const who = batch ? `Job ${job}` : 'Job';
    let seen;
    let lineAt = Number.NEGATIVE_INFINITY;
    const history = [];
    const startedAt = options.clock();
    const note = (status) => {
        const before = last.get(job);
        const now = asItemStatus(job, status);
        const step = (s) => Math.floor((s?.progress ?? 0) * 10);
        const changed = !before || before.status !== now.status || step(before) !== step(now);
        if (changed && (isFinal(status) || options.clock() - lineAt >= LINE_EVERY_MS)) {
            const progress = now.status === 'processing' && now.progress != null ? ` ${Math.round(now.progress * 100)}%` : '';
            options.log.info(`${who}: ${now.status}${progress}`);
            lineAt = options.clock();
        }
        last.set(job, now);
        seen = status;
        history.push({ at: options.clock(), status: now.status, progress: now.progress ?? 0 });
    };
    const where = {};
    let why;
    for (let reconnects = 0;; reconnects++) {
        let ended;
        try {
            ended = await readStream(job, options, note, where, () => quietCheckAfter(options.clock(), startedAt, history));
        }
        catch (error) {
            if (error instanceof errors/* Cancelled */.cJ || error instanceof errors/* DeadlineReached */.h_)
                throw error;
            why = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
            break;
        }
        why = ended.why;
        if (isFinal(seen) || !ended.closed)
            break;
        if (reconnects >= MAX_RECONNECTS) {
            why = `Hedra closed it ${reconnects + 1} times before the job ended`;
            break;
        }
        const wait = Math.min(RECONNECT_MAX_MS, where.retryMs ?? RECONNECT_DEFAULT_MS);
        const from = where.lastEventId === undefined ? 'from the start' : `after event ${(0,outside/* name */.UU)(where.lastEventId) ?? '(an id not shown)'}`;
        options.log.info(`${who}: Hedra closed the event stream before the job ended; reconnecting in ${(wait / 1000).toFixed(1)}s, ${from}.`);
        await options.sleep(wait);
    }
    if (isFinal(seen)) {
        options.onFinal(job, seen);
        return seen;
    }
    options.log.info(`${who}: the event stream stopped (${why}); following the job by polling its status instead.`);
    // The shared poller, on v3's status endpoint: it logs changes itself, from here on.
    let final;
    await (0,poll/* waitForGenerations */.O)(async (id) => {
        const status = await options.client.status(id);
        final = status;
        last.set(job, asItemStatus(id, status));
        return asItemStatus(id, status);
    }, [job], {
        deadline: options.deadline,
        clock: options.clock,
        sleep: options.sleep,
        startedAt: options.clock(),
        log: { info: (line) => options.log.info(line.replace(/^Generation/, who)), warning: options.log.warning },
    });
    options.onFinal(job, final);
    return final;
}
/** The alarm of a stream that has said nothing of the status for a while. */
const SILENT = Symbol('silent');
/**
 * Reads the job's stream until it reports the job ended (or says it is done); resolves with why it
 * stopped early otherwise. A refusal or a broken connection rejects. A stream that keeps talking (keep-alives,
 * logs, bytes that never end a line: the stall watchdog never fires) but says nothing of the status for
 * the poll interval (quietFor) is checked with one status read, and again each interval while it stays so; a stream silent
 * altogether is the stall watchdog's.
 */
async function readStream(job, options, note, where, quietFor) {
    const stream = await options.client.openStream(job, where.lastEventId);
    let talked = false;
    const events = readEventStream(stream.body, () => {
        talked = true;
        stream.touch();
    }, (ms) => {
        where.retryMs = ms;
    })[Symbol.asyncIterator]();
    const ended = (why, closed = false) => ({ why, closed });
    const quiet = new AbortController();
    let heardAt = options.clock();
    let silentMs = quietFor();
    let reads = 0;
    let alarm;
    let next;
    try {
        for (;;) {
            next ??= events.next();
            alarm ??= options.sleep(Math.max(0, heardAt + silentMs - options.clock()), quiet.signal).then(() => SILENT);
            const step = await Promise.race([next, alarm]);
            if (step === SILENT) {
                alarm = undefined;
                if (options.clock() - heardAt < silentMs)
                    continue;
                heardAt = options.clock();
                silentMs = quietFor();
                if (!talked)
                    continue;
                talked = false;
                const log = reads++ === 0 ? options.log.info : options.log.debug;
                log(`Job ${job}: the event stream has said nothing of the status for ${Math.round(silentMs / 100) / 10}s; reading the status.`);
                const status = await options.client.status(job);
                // Counted from the answer: reads are never closer than the interval, however long one takes.
                heardAt = options.clock();
                note(status);
                silentMs = quietFor();
                if (isFinal(status))
                    return ended('the job ended');
                continue;
            }
            next = undefined;
            if (step.done)
                return ended('the stream ended before the job did', true);
            const event = step.value;
            // An id too long to be one of Hedra's is not sent back: the stream is then resumed from its start.
            if (event.id !== undefined)
                where.lastEventId = event.id.length <= 256 ? event.id : undefined;
            if (event.event === 'status') {
                const status = HedraV3Client.statusFrame(event.data);
                if (!status) {
                    options.log.debug(`Job ${job}: a status frame that could not be read: ${event.data.slice(0, 200)}`);
                    continue;
                }
                heardAt = options.clock();
                talked = false;
                note(status);
                silentMs = quietFor();
                if (isFinal(status))
                    return ended('the job ended');
            }
            else if (event.event === 'done' || event.data.trim() === STREAM_DONE) {
                // 3.0.1's `done` carries the final status; 3.9.0's only the marker (the status came before it).
                const status = event.data.trim() === STREAM_DONE ? undefined : HedraV3Client.statusFrame(event.data);
                if (status)
                    note(status);
                return ended(isFinal(status) ? 'the job ended' : 'the stream said it was done before the job ended');
            }
            else if (event.event === 'log') {
                options.log.debug(`Job ${job} log: ${event.data.slice(0, 500)}`);
            }
        }
    }
    finally {
        // The alarm and a read still waiting were raced (so their rejections are handled): stopping them only settles
        // them. Ending the events releases the body (after the read in flight, if any), which closes the connection.
        quiet.abort();
        events.return?.(undefined).catch(() => undefined);
        stream.stop();
    }
}

// EXTERNAL MODULE: ./src/media/local-files.ts
var local_files = __webpack_require__(4605);
// EXTERNAL MODULE: ./src/media/duration-bounds.ts
var duration_bounds = __webpack_require__(5938);
// EXTERNAL MODULE: ./src/media/durations.ts
var durations = __webpack_require__(6945);
// EXTERNAL MODULE: ./src/core/format.ts
var format = __webpack_require__(6228);
// EXTERNAL MODULE: ./src/inputs/kinds.ts
var kinds = __webpack_require__(6106);
// EXTERNAL MODULE: ./src/http/url.ts
var http_url = __webpack_require__(6697);
;// CONCATENATED MODULE: ./src/apis/v3/fields.ts
// The v3 rules of single fields that the mapping (input.ts) applies, read from the model's schema: which
// media fields take a list (hedra-character-3's `audio`: one reference or 1–4, one per speaker), which
// `duration_ms` takes -1 (`duration: auto`), and which https URLs may be sent for Hedra to fetch. Pure.


/** `duration: auto`: the model decides the length (duration_ms -1, where its schema accepts it). */
const AUTO_DURATION = 'auto';
function fieldOf(model, field) {
    const properties = model.inputSchema.properties;
    const schema = (0,json/* isObject */.Gv)(properties) ? properties[field] : undefined;
    return (0,json/* isObject */.Gv)(schema) ? schema : undefined;
}
/** The schema and its alternatives (anyOf/oneOf branches), for a rule that any one of them may satisfy. */
function branches(schema) {
    const alternatives = [schema.anyOf, schema.oneOf].flatMap((list) => (Array.isArray(list) ? list.filter(json/* isObject */.Gv) : []));
    return [schema, ...alternatives.flatMap(branches)];
}
/** Whether the field takes a list of references: it is an array, or one of its alternatives is. */
function takesList(model, field) {
    const schema = fieldOf(model, field);
    return schema !== undefined && branches(schema).some((branch) => branch.type === 'array');
}
/** Several files (one per line) given to an input whose field takes only one. */
function listProblem(model, input, value, target) {
    if (!Array.isArray(value) || value.length < 2 || target.list || takesList(model, target.field))
        return undefined;
    return `Input "${input}" has ${value.length} lines, but model ${model.id} takes one file in field "${target.field}": give one.`;
}
/** Whether the model's duration_ms accepts -1, the length the model chooses (seedance-25). */
function acceptsAuto(model) {
    const schema = fieldOf(model, 'duration_ms');
    if (schema === undefined)
        return false;
    return branches(schema).some((branch) => {
        if (Array.isArray(branch.enum))
            return branch.enum.includes(-1);
        if (branch.const !== undefined)
            return branch.const === -1;
        const min = branch.minimum;
        return (branch.type === 'integer' || branch.type === 'number') && (typeof min !== 'number' || min <= -1);
    });
}
/** `duration: auto` on a model whose duration_ms has no -1. */
function autoDurationProblem(model, value) {
    if (value !== AUTO_DURATION || acceptsAuto(model))
        return undefined;
    return `Input "duration" is auto, but model ${model.id} does not choose its own length (its duration_ms takes no -1): give a length such as 5s, or leave "duration" out for the model's default.`;
}
/**
 * Why a URL given to a media input cannot be sent for Hedra to fetch (undefined when it can). The parser
 * took https:// only; here, the rules for what leaves the runner: no user name or password in it (it would
 * reach Hedra and the logs), and not an address only this network reaches (localhost, a private or
 * link-local address), which Hedra cannot fetch from.
 */
function userUrlProblem(input, url) {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
        return `Input "${input}": the URL carries a user name or password, which would be sent to Hedra: give a public URL without them, or the file itself.`;
    }
    const kind = (0,http_url/* hostKind */.Pz)(parsed.hostname);
    if (kind !== undefined && kind !== 'public') {
        return `Input "${input}": ${parsed.hostname} is not a public address, so Hedra cannot fetch ${parsed.origin}: give a public https URL, or the file itself (a path in the repository).`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/apis/v3/kinds.ts
// Which workflow `type` names a v3 model, read from the model itself: its `modality` (what it makes:
// image, video, audio) and the fields of its input schema (what it takes). Never a fixed list of kinds v3
// is supposed to lack: Hedra adds model kinds with every spec (motion control in 3.9.0; upscalers, voice
// clones, audio isolation later). Pure. Design: docs/decisions/v3-kinds.md.

/** The media kind (media_type) a field takes, on the field or on its list's items or its branches. */
function mediaTypeOf(schema) {
    if (!(0,json/* isObject */.Gv)(schema))
        return undefined;
    if (typeof schema.media_type === 'string')
        return schema.media_type;
    for (const branch of [schema.items, ...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])]) {
        const found = mediaTypeOf(branch);
        if (found)
            return found;
    }
    return undefined;
}
/** Whether the model takes media of this kind in any field. */
const takes = (model, kind) => Object.values(model.fields).some((schema) => mediaTypeOf(schema) === kind);
const has = (model, ...fields) => fields.some((field) => Object.hasOwn(model.fields, field));
/** Its id or name says so (`topaz-image-upscaler`, "Kling 2.6 Motion Control"): for kinds whose fields are not unique to them. */
const named = (model, words) => words.test(`${model.id} ${model.name ?? ''}`);
const UPSCALE = /upscal|super.?res/i;
/**
 * What a model must be for each type: its modality, and what its fields (or, where fields alone cannot
 * tell, its name) show. A type fits every model it describes: a motion-control model makes video, so
 * `type: video` fits it too; `type: motion_control` fits only a motion-control model.
 */
const KINDS = {
    video: { modality: 'video', fits: () => true, is: 'makes videos' },
    image: { modality: 'image', fits: () => true, is: 'makes images' },
    image_to_image: { modality: 'image', fits: (m) => takes(m, 'image'), is: 'makes images from images it takes' },
    text_to_speech: { modality: 'audio', fits: (m) => has(m, 'text', 'voice_id') && !takes(m, 'audio'), is: 'speaks a text (fields text and voice_id)' },
    text_to_sound: {
        modality: 'audio',
        fits: (m) => has(m, 'prompt', 'text') && !has(m, 'voice_id') && !takes(m, 'audio'),
        is: 'makes sounds from a prompt (no voice_id, no audio input)',
    },
    image_upscale: { modality: 'image', fits: (m) => takes(m, 'image') && (has(m, 'target_resolution') || named(m, UPSCALE)), is: 'upscales an image' },
    video_upscale: { modality: 'video', fits: (m) => takes(m, 'video') && (has(m, 'target_resolution') || named(m, UPSCALE)), is: 'upscales a video' },
    audio_isolation: {
        modality: 'audio',
        fits: (m) => takes(m, 'audio') && !has(m, 'voice_id', 'name', 'text') && named(m, /isolat|separat|denois|clean/i),
        is: 'isolates the voice of an audio',
    },
    speech_to_speech: {
        modality: 'audio',
        fits: (m) => takes(m, 'audio') && has(m, 'voice_id'),
        is: 'turns speech into another voice (an audio input and voice_id)',
    },
    voice_clone: { modality: 'audio', fits: (m) => takes(m, 'audio') && has(m, 'name') && !has(m, 'voice_id'), is: 'clones a voice (an audio input and a name)' },
    video_to_video: { modality: 'video', fits: (m) => takes(m, 'video'), is: 'transforms a video it takes' },
    motion_control: {
        modality: 'video',
        fits: (m) => has(m, 'character_orientation') || (named(m, /motion/i) && takes(m, 'video') && takes(m, 'image')),
        is: 'moves a character image as a driving video does, with a field character_orientation',
    },
};
/** The types from the narrowest to the widest: the first that fits a model says best what it is. */
const SPECIFIC_FIRST = [
    'motion_control',
    'image_upscale',
    'video_upscale',
    'voice_clone',
    'speech_to_speech',
    'audio_isolation',
    'text_to_speech',
    'text_to_sound',
    'image_to_image',
    'video_to_video',
    'image',
    'video',
];
const MODALITY_NOUNS = { image: 'images', video: 'videos', audio: 'audio' };
/** The types that fit the model, the most specific first (the plain `video`/`image` last). */
function typesFitting(model) {
    return SPECIFIC_FIRST.filter((type) => KINDS[type].modality === model.modality && KINDS[type].fits(model));
}
/**
 * Why `type` does not name this model, with what it makes and what to set (undefined when it fits):
 * `Input "type" is motion_control, but model kling-v3 makes videos and is not a motion_control model (one
 * that moves …). Set type: video or video_to_video, or leave "type" out: on v3 the model decides what is made.`
 */
function typeProblem(type, model) {
    const kind = KINDS[type];
    if (kind.modality === model.modality && kind.fits(model))
        return undefined;
    const makes = MODALITY_NOUNS[model.modality] ?? model.modality;
    const fitting = typesFitting(model);
    const why = kind.modality === model.modality ? ` and is not a ${type} model (one that ${kind.is})` : `, not ${MODALITY_NOUNS[kind.modality]}`;
    const fix = fitting.length === 0
        ? 'Leave "type" out'
        : `Set type: ${fitting.length === 1 ? fitting[0] : `${fitting.slice(0, -1).join(', ')} or ${fitting.at(-1)}`}, or leave "type" out`;
    return `Input "type" is ${type}, but model ${model.id} makes ${makes}${why}. ${fix}: on v3 the model decides what is made.`;
}

;// CONCATENATED MODULE: ./src/apis/v3/input.ts
// The workflow's typed inputs as the `input` of a Hedra v3 model (POST /models/{model} {input}). On v3
// every model has its own input schema (GET /models/{model}, `input_schema`): each workflow input goes to
// the field that schema has for it, media become {source: "url", url} or {source: "asset", asset_id}, and
// whatever cannot be sent is a problem in the workflow's words. Pure and synchronous: checking the result
// against the schema is v3-schema.ts's job, uploading the files the caller's.





/**
 * The v3 fields each input can go to, preferred first: the first one the model's schema has is used, so
 * `prompt` goes to `text` only on a model without `prompt` (speech), `video` to `videos` only on a model
 * without `source_video`. `list` fields are arrays, whatever the input gives. In the order of the inputs
 * in types.ts, which is the order the messages list them in.
 */
const FIELDS = {
    prompt: [{ field: 'prompt' }, { field: 'text' }],
    text: [{ field: 'text' }],
    'voice-id': [{ field: 'voice_id' }],
    // A start frame where the model animates one; else the image a model works on (an upscaler's source_image).
    image: [{ field: 'start_image' }, { field: 'source_image' }],
    'end-image': [{ field: 'end_image' }],
    // `audio` may be a list too where the field takes one (hedra-character-3: one audio per speaker): fields.ts.
    audio: [{ field: 'audio' }, { field: 'audios', list: true }],
    video: [{ field: 'source_video' }, { field: 'videos', list: true }],
    // An upscaler has no output `resolution`, only the one to upscale to.
    resolution: [{ field: 'resolution' }, { field: 'target_resolution' }],
    'aspect-ratio': [{ field: 'aspect_ratio' }],
    duration: [{ field: 'duration_ms' }],
    seed: [{ field: 'seed' }],
    // The name of what the model makes (a cloned voice's).
    name: [{ field: 'name' }],
    'reference-images': [{ field: 'images', list: true }],
};
const FIELD_INPUTS = Object.keys(FIELDS);
/** The model's input fields, from its schema's properties. */
function schemaProperties(model) {
    const properties = model.inputSchema.properties;
    return (0,json/* isObject */.Gv)(properties) ? properties : {};
}
/** The field an input goes to for this model, if the model has one for it. */
function targetOf(input, model) {
    const properties = schemaProperties(model);
    return FIELDS[input].find(({ field }) => Object.hasOwn(properties, field));
}
/**
 * The workflow input that sets a field: with a model, the one the mapping sends there for that model;
 * without, the input whose own field it is. Where several could (`prompt` and `text` both reach `text` on
 * a speech model) the one named after the field wins.
 */
function inputOf(field, model) {
    const rank = (input) => FIELDS[input].findIndex((f) => f.field === field);
    const candidates = FIELD_INPUTS.filter((input) => rank(input) >= 0).sort((a, b) => rank(a) - rank(b));
    return model === undefined ? candidates[0] : candidates.find((input) => targetOf(input, model)?.field === field);
}
/** 'input.images[1].url', '/images/1/url' or ['images', 1] → ['images', 1, 'url']. */
function pathOf(field) {
    const pointer = field.startsWith('/');
    const text = pointer ? field.slice(1) : field.replace(/^input\./, '');
    const parts = pointer ? text.split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')) : text.split(/\.|\[(\d+)\]/).filter(Boolean);
    return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
/** ['images', 1, 'url'] → 'images[1].url'. */
function formatPath(path) {
    return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
/**
 * How the user sets a field of the input: the workflow input for it ('input.aspect_ratio' or 'aspect_ratio'
 * → 'aspect-ratio', 'images[1]' → 'reference-images'), or, for a field no input sets, `request field "quality"`.
 */
function workflowInputFor(field, model) {
    const path = pathOf(field);
    const input = typeof path[0] === 'string' ? inputOf(path[0], model) : undefined;
    return input ?? `request field "${formatPath(path)}"`;
}
/** 'Input "aspect-ratio"' or 'Request field "quality"': the subject of a sentence about a field. */
function subjectFor(field, model) {
    const name = workflowInputFor(field, model);
    return name.startsWith('request field ') ? `R${name.slice(1)}` : `Input "${name}"`;
}
/** Fields no one chooses (a single allowed value, such as num_outputs: 1): left out of the lists of what a model takes. */
function fixed(schema) {
    return (0,json/* isObject */.Gv)(schema) && ((Array.isArray(schema.enum) && schema.enum.length === 1) || Object.hasOwn(schema, 'const'));
}
/** "It takes: prompt, image; other fields through "request": quality." */
function whatItTakes(model) {
    const properties = schemaProperties(model);
    const inputs = FIELD_INPUTS.filter((input) => {
        const target = targetOf(input, model);
        return target !== undefined && inputOf(target.field, model) === input;
    });
    const byInput = new Set(inputs.map((input) => targetOf(input, model)?.field));
    const others = Object.keys(properties).filter((field) => !byInput.has(field) && !fixed(properties[field]));
    const viaRequest = `fields through "request": ${others.join(', ')}`;
    if (inputs.length === 0)
        return others.length === 0 ? 'It takes no inputs.' : `It takes only ${viaRequest}.`;
    return `It takes: ${inputs.join(', ')}${others.length === 0 ? '' : `; other ${viaRequest}`}.`;
}
/**
 * `Model kling-v3 does not take input "audio". It takes: …`: what a model has no field for, with what it
 * does take. `note` goes inside the first sentence, `suggestion` (a did-you-mean) after it.
 */
function notTakenProblem(model, what, extra = {}) {
    return `Model ${model.id} does not take ${what}${extra.note ?? ''}.${extra.suggestion ?? ''} ${whatItTakes(model)}`;
}
/** Where an input that the model has no field for may have been meant to go. */
function elsewhere(input, model) {
    const alternative = { text: 'prompt', image: 'reference-images', 'reference-images': 'image' };
    const what = { prompt: 'its prompt goes', 'reference-images': 'its images go', image: 'its start frame goes' };
    const other = alternative[input];
    return other !== undefined && targetOf(other, model) !== undefined ? ` (${what[other]} in input "${other}")` : '';
}
/** The media reference as a v3 media object; files and v3 assets are noted as slots, the rest as problems. */
function mediaValue(input, ref, path, fileUrl, plan) {
    if (ref.kind === 'url') {
        // Sent as it is, for Hedra to fetch (its newer SDKs and CLI take any public https URL); one it cannot reach is refused here.
        const problem = userUrlProblem(input, ref.url);
        if (problem === undefined)
            plan.media.push({ input, written: ref.url, path, kind: 'url' });
        else
            plan.problems.push(problem);
        // Kept in the input as it would go, so that the schema check does not also call the field missing.
        return { source: 'url', url: ref.url };
    }
    // An `asset_…` id is opaque (parsers.ts isV3Id); a path that is not one is a file.
    if (ref.kind === 'file' && !(0,parsers/* isV3Id */.v_)('asset', ref.written)) {
        plan.media.push({ input, written: ref.written, path, kind: 'file' });
        return { source: 'url', url: fileUrl(ref.written) };
    }
    const assetId = ref.kind === 'asset' ? ref.id : ref.written;
    if ((0,parsers/* isUuid */.O1)(assetId)) {
        plan.problems.push(`Input "${input}": "${assetId}" is a v2 asset id; v3 takes files (a path in the repository) or asset ids of earlier v3 outputs (asset_…).`);
    }
    else {
        plan.media.push({ input, written: assetId, path, kind: 'asset' });
    }
    return { source: 'asset', asset_id: assetId };
}
/** The value a typed input sends; media problems are noted in the plan. */
function fieldValue(model, input, value, target, fileUrl, plan) {
    if ((0,kinds/* isMediaInput */.P$)(input)) {
        // A list goes as a list where the field is one or takes one (one or several, one per line); else one reference.
        const list = target.list === true || (Array.isArray(value) && takesList(model, target.field));
        const refs = Array.isArray(value) ? value : [value];
        const items = refs.map((ref, i) => mediaValue(input, ref, list ? [target.field, i] : [target.field], fileUrl, plan));
        return list ? items : items[0];
    }
    // duration_ms is an integer; `duration` may be written finer than a millisecond (0.0015s), which no model can tell apart.
    if (input === 'duration' && typeof value === 'number')
        return Math.round(value);
    if (input === 'duration' && value === AUTO_DURATION)
        return -1;
    return value;
}
/**
 * The model's `input` from the workflow's inputs: `request` first, then every typed input in its field,
 * media as v3 media objects (a local file as {source: "url", url: fileUrl(written)}: the caller passes a
 * placeholder URL before the upload and the file's URL after it), with every problem noted, never thrown.
 * Fields of `request` are passed on unchecked: the schema check (v3-schema.ts) says which the model does
 * not take.
 */
function mapV3Input(inputs, model, fileUrl) {
    const plan = { input: {}, media: [], problems: [] };
    if (inputs.type !== undefined) {
        const problem = typeProblem(inputs.type, { ...model, fields: schemaProperties(model) });
        if (problem !== undefined)
            plan.problems.push(problem);
    }
    const properties = schemaProperties(model);
    for (const [field, value] of Object.entries(inputs.request ?? {})) {
        if (field === 'input' && (0,json/* isObject */.Gv)(value) && !Object.hasOwn(properties, 'input')) {
            const example = Object.keys(value)[0] ?? 'prompt';
            plan.problems.push(`Input "request" wraps its fields in "input": on v3, "request" holds the model's input fields directly, e.g. request: '{"${example}": …}' instead of '{"input": {"${example}": …}}'.`);
            continue;
        }
        plan.input[field] = value;
    }
    // Typed inputs are set after `request`: a typed input wins over a request field of the same name, as on v2.
    const setBy = new Map();
    for (const input of FIELD_INPUTS) {
        const value = inputs.mapped[input];
        if (value === undefined)
            continue;
        const target = targetOf(input, model);
        if (target === undefined) {
            plan.problems.push(notTakenProblem(model, `input "${input}"`, { note: elsewhere(input, model) }));
            continue;
        }
        const earlier = setBy.get(target.field);
        if (earlier !== undefined) {
            plan.problems.push(`Inputs "${earlier}" and "${input}" both go to field "${target.field}" of model ${model.id}: give only one of them.`);
            continue;
        }
        setBy.set(target.field, input);
        const problem = listProblem(model, input, value, target) ?? (input === 'duration' ? autoDurationProblem(model, value) : undefined);
        if (problem !== undefined)
            plan.problems.push(problem);
        plan.input[target.field] = fieldValue(model, input, value, target, fileUrl, plan);
    }
    // `batch-size` is not a field: the caller submits that many jobs (every v3 model makes one output per job).
    return plan;
}

;// CONCATENATED MODULE: ./src/apis/v3/schema-words.ts




/** Ajv's instancePath ('/images/1') as a path. */
function schema_words_pathOf(pointer) {
    if (pointer === '')
        return [];
    return pointer
        .slice(1)
        .split('/')
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
/** The schema at a schemaPath ('#/anyOf/2'), or undefined. */
function schemaAt(root, schemaPath) {
    let node = root;
    for (const part of schema_words_pathOf(schemaPath.replace(/^#/, '')))
        node = (0,json/* isObject */.Gv)(node) || Array.isArray(node) ? node[part] : undefined;
    return node;
}
/** Durations travel as duration_ms and are written as `5s` in the workflow, so they are shown that way. */
const isDuration = (path) => path[0] === 'duration_ms' && path.length === 1;
/** An allowed value or bound as the workflow writes it. */
function shown(value, path) {
    // -1 is `duration: auto` (the model chooses the length).
    if (value === -1 && isDuration(path))
        return 'auto';
    if (typeof value === 'number' && isDuration(path))
        return (0,format/* seconds */.YA)(value);
    return typeof value === 'string' ? value : JSON.stringify(value);
}
/** A value that was given, for "got …": strings quoted (and cut short), durations as seconds. */
function given(value, path) {
    if (value === -1 && isDuration(path))
        return '"auto"';
    if (typeof value === 'number' && isDuration(path))
        return `"${(0,format/* seconds */.YA)(value)}"`;
    if (typeof value === 'string')
        return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    return JSON.stringify(value) ?? String(value);
}
/** "one of a, b", "from 0 to 1", "at most 600s": what a field allows, or ''. */
function allowed(schema, path) {
    if (!(0,json/* isObject */.Gv)(schema))
        return '';
    if (Array.isArray(schema.enum))
        return `one of ${schema.enum.map((v) => shown(v, path)).join(', ')}`;
    const { minimum: min, maximum: max } = schema;
    if (typeof min === 'number' && typeof max === 'number')
        return `from ${shown(min, path)} to ${shown(max, path)}`;
    if (typeof max === 'number')
        return `at most ${shown(max, path)}`;
    if (typeof min === 'number')
        return `at least ${shown(min, path)}`;
    return '';
}
/** A value to show in a `request` example: the default, else a middle choice, else something of the right type. */
function example(schema) {
    if (!(0,json/* isObject */.Gv)(schema))
        return '…';
    if (Object.hasOwn(schema, 'default'))
        return schema.default;
    if (Array.isArray(schema.enum) && schema.enum.length > 0)
        return schema.enum[Math.floor((schema.enum.length - 1) / 2)];
    if (schema.type === 'boolean')
        return true;
    if (schema.type === 'integer' || schema.type === 'number')
        return typeof schema.minimum === 'number' ? schema.minimum : 1;
    return '…';
}
const schema_words_KINDS = {
    integer: 'a whole number',
    number: 'a number',
    string: 'text',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    null: 'null',
};
const MEDIA_NOUNS = {
    image: ['image', 'images'],
    video: ['video', 'videos'],
    audio: ['audio file', 'audio files'],
};
/** The schema of a top-level field, and of its items when it is a list of media. */
function fieldSchema(model, field) {
    const schema = typeof field === 'string' ? schemaProperties(model)[field] : undefined;
    return (0,json/* isObject */.Gv)(schema) ? schema : undefined;
}
/** The media_type of the field at a path (on the list for lists of media). */
function mediaTypeAt(model, path) {
    const schema = fieldSchema(model, path[0]);
    const items = schema?.items;
    const mediaType = schema?.media_type ?? ((0,json/* isObject */.Gv)(items) ? items.media_type : undefined);
    return typeof mediaType === 'string' ? mediaType : undefined;
}
/** 'Input "reference-images"', with where inside it when the error is deeper than the field; or 'Request field "quality"'. */
function subject(path, model) {
    const where = formatPath(path);
    const who = subjectFor(where, model);
    return path.length > 1 && who.startsWith('Input ') ? `${who} (${where})` : who;
}
function needs(field, model) {
    const name = workflowInputFor(field, model);
    const schema = fieldSchema(model, field);
    const values = allowed(schema, [field]);
    if (name.startsWith('request field ')) {
        const sample = `{"${field}": ${JSON.stringify(example(schema))}}`;
        return `Model ${model.id} needs ${name}${values ? ` (${values})` : ''}: set it in input "request", e.g. request: '${sample}'.`;
    }
    const note = field === 'voice_id' ? `a voice_… id; GET /models/${model.id}/voices lists them` : values;
    return `Model ${model.id} needs input "${name}"${note ? ` (${note})` : ''}.`;
}
/** Nothing but white space and the separators 0x1C–0x1F: what Hedra's prompt pattern `[^\s\x1C-\x1F]` (Python's \s) refuses. */
function blank(text) {
    return [...text].every((ch) => ch.trim() === '' || (ch.charCodeAt(0) >= 0x1c && ch.charCodeAt(0) <= 0x1f));
}
/** One Ajv error (outside any anyOf/oneOf) as a problem; `named: false` leaves out "for model …" (for a part of a sentence that names it). */
function describe(error, input, model, named = true) {
    const path = schema_words_pathOf(error.instancePath);
    const value = (0,json/* valueAt */.fK)(input, path);
    const who = subject(path, model);
    const forModel = named ? ` for model ${model.id}` : '';
    const params = error.params;
    switch (error.keyword) {
        case 'required':
            if (path.length === 0)
                return needs(params.missingProperty, model);
            return `${who} needs field "${params.missingProperty}"${forModel}.`;
        case 'additionalProperties':
            if (path.length === 0)
                return notTakenField(params.additionalProperty, model);
            return `${who} has a field "${params.additionalProperty}" that model ${model.id} does not take.`;
        case 'false schema':
            if (path.length === 1)
                return notTakenField(String(path[0]), model);
            return `${who} is not taken by model ${model.id}.`;
        case 'enum':
        case 'const': {
            const values = error.keyword === 'enum' ? params.allowedValues : [params.allowedValue];
            const list = values.map((v) => shown(v, path));
            const rule = values.length === 1 ? `must be ${list[0]}` : `must be one of ${list.join(', ')}`;
            return `${who} ${rule}${forModel}; got ${given(value, path)}.${suggestion(value, values, path)}`;
        }
        case 'type': {
            const types = String(params.type).split(',');
            return `${who} must be ${(0,format/* orList */.A3)(types.map((t) => schema_words_KINDS[t] ?? t))}${forModel}; got ${given(value, path)}.`;
        }
        case 'maximum':
        case 'exclusiveMaximum':
        case 'minimum':
        case 'exclusiveMinimum': {
            const words = { maximum: 'at most', exclusiveMaximum: 'less than', minimum: 'at least', exclusiveMinimum: 'more than' }[error.keyword];
            return `${who} must be ${words} ${shown(params.limit, path)}${forModel}; got ${given(value, path)}.`;
        }
        case 'maxLength':
        case 'minLength': {
            const length = typeof value === 'string' ? [...value].length : 0;
            if (error.keyword === 'minLength' && params.limit <= 1)
                return `${who} must not be empty${forModel}.`;
            const bound = error.keyword === 'maxLength' ? 'at most' : 'at least';
            return `${who} must have ${bound} ${params.limit} characters${forModel}; got ${length}.`;
        }
        case 'maxItems':
        case 'minItems': {
            const [one, many] = MEDIA_NOUNS[mediaTypeAt(model, path) ?? ''] ?? ['item', 'items'];
            const count = Array.isArray(value) ? value.length : 0;
            const bound = error.keyword === 'maxItems' ? 'takes at most' : 'needs at least';
            return `${who} ${bound} ${params.limit} ${params.limit === 1 ? one : many}${forModel}; got ${count}.`;
        }
        case 'pattern':
            if (typeof value === 'string' && blank(value))
                return `${who} must not be blank${forModel}.`;
            return `${who} must match the pattern ${params.pattern}${forModel}; got ${given(value, path)}.`;
        case 'format':
            return `${who} must be ${params.format === 'uri' ? 'an absolute URL' : `in ${params.format} format`}${forModel}; got ${given(value, path)}.`;
        default:
            return `${who} ${error.message ?? 'is not valid'}${forModel}.`;
    }
}
/** Did-you-mean among allowed values: a near spelling, or for a bare number of milliseconds the seconds it was meant as. */
function suggestion(value, values, path) {
    if (isDuration(path) && typeof value === 'number' && values.includes(value * 1000)) {
        return ` Did you mean "${(0,format/* seconds */.YA)(value * 1000)}"? A bare number is milliseconds.`;
    }
    if (typeof value !== 'string')
        return '';
    return (0,suggest/* didYouMean */.a)(value, values.filter((v) => typeof v === 'string'));
}
/** A field outside the schema: it came through `request` (the mapping sends typed inputs only where the model has a field). */
function notTakenField(field, model) {
    return notTakenProblem(model, `request field "${field}"`, { suggestion: (0,suggest/* didYouMean */.a)(field, Object.keys(schemaProperties(model))) });
}
/** The top-level field an error is about. */
function schema_words_fieldOf(error) {
    if (error.instancePath === '' && error.keyword === 'required')
        return error.params.missingProperty;
    if (error.instancePath === '' && error.keyword === 'additionalProperties')
        return error.params.additionalProperty;
    const first = schema_words_pathOf(error.instancePath)[0];
    return typeof first === 'string' ? first : undefined;
}
const isCombinator = (error) => error.keyword === 'anyOf' || error.keyword === 'oneOf';
/** 'set input "resolution" to 1080p or 4K': what one failed condition of a combination asks for, lower case. */
function fix(error, branch, model, input) {
    const field = schema_words_fieldOf(error) ?? '';
    const path = schema_words_pathOf(error.instancePath);
    const name = workflowInputFor(field, model);
    const label = name.startsWith('request field ') ? name : `input "${name}"`;
    const params = error.params;
    if (error.keyword === 'required' && path.length === 0) {
        const restricted = (0,json/* isObject */.Gv)(branch) && (0,json/* isObject */.Gv)(branch.properties) ? branch.properties[field] : undefined;
        const verb = mediaTypeAt(model, [field]) ? 'give' : 'set';
        if ((0,json/* isObject */.Gv)(restricted) && Array.isArray(restricted.enum))
            return `${verb} ${label} to ${(0,format/* orList */.A3)(restricted.enum.map((v) => shown(v, [field])))}`;
        const values = allowed(fieldSchema(model, field), [field]);
        return `${verb} ${label}${values ? ` (${values})` : ''}`;
    }
    if (error.keyword === 'false schema' && path.length === 1)
        return `remove ${label}`;
    if ((error.keyword === 'enum' || error.keyword === 'const') && path.length === 1) {
        const values = error.keyword === 'enum' ? params.allowedValues : [params.allowedValue];
        return `set ${label} to ${(0,format/* orList */.A3)(values.map((v) => shown(v, path)))}`;
    }
    const sentence = describe(error, input, model, false).replace(/\.$/, '');
    return `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
}
/**
 * A failed anyOf/oneOf at the top of the schema: the combinations of fields a model takes (with a start
 * frame or without, quality pro with 1080p or 4K…), said as what to change, from the combinations that
 * need the fewest changes (or both, when there are two). Conditions on fields already reported on their
 * own (a missing required field, a value outside the field's list) are left out: when they explain the
 * failure, nothing more is said.
 */
function describeCombination(combinator, errors, reported, input, model) {
    if (combinator.keyword === 'oneOf' && Array.isArray(combinator.params.passingSchemas)) {
        return `The inputs given fit more than one of the combinations model ${model.id} takes, and its schema asks for exactly one.`;
    }
    const branches = schemaAt(model.inputSchema, combinator.schemaPath);
    if (!Array.isArray(branches))
        return undefined;
    const fixes = branches.map(() => new Map());
    const prefix = `${combinator.schemaPath}/`;
    for (const error of errors) {
        if (!error.schemaPath.startsWith(prefix) || isCombinator(error))
            continue;
        const index = Number(error.schemaPath.slice(prefix.length).split('/')[0]);
        const field = schema_words_fieldOf(error);
        if (field !== undefined && reported.has(field))
            continue;
        fixes[index]?.set(field ?? error.schemaPath, fix(error, branches[index], model, input));
    }
    if (fixes.some((branch) => branch.size === 0))
        return undefined;
    // The ways that change least; of two combinations both (the one that changes least may drop what was meant).
    const fewest = Math.min(...fixes.map((branch) => branch.size));
    const chosen = fixes.filter((branch) => branch.size === fewest || fixes.length <= 2).sort((a, b) => a.size - b.size);
    const ways = [...new Set(chosen.map((branch) => together([...branch.values()])))];
    const what = ways.length === 1 ? ways[0] : `either ${ways.join(', or ')}`;
    return `The inputs given fit none of the combinations model ${model.id} takes: ${what}.`;
}
/** The changes of one way, the removals as one: 'remove input "seed" and request field "negative_prompt"'. */
function together(fixes) {
    const removed = fixes.filter((f) => f.startsWith('remove ')).map((f) => f.slice('remove '.length));
    const rest = fixes.filter((f) => !f.startsWith('remove '));
    return (0,format/* andList */.cM)([...(removed.length > 0 ? [`remove ${(0,format/* andList */.cM)(removed)}`] : []), ...rest]);
}
/** A field's value matches none of the forms it may take: for media, the two forms of a media object. */
function describeForms(combinator, input, model) {
    const path = schema_words_pathOf(combinator.instancePath);
    const value = (0,json/* valueAt */.fK)(input, path);
    const branches = schemaAt(model.inputSchema, combinator.schemaPath);
    const forms = (Array.isArray(branches) ? branches : []).map((branch) => {
        const source = (0,json/* isObject */.Gv)(branch) && (0,json/* isObject */.Gv)(branch.properties) && (0,json/* isObject */.Gv)(branch.properties.source) ? branch.properties.source.enum : undefined;
        if (Array.isArray(source) && source[0] === 'url')
            return '{"source": "url", "url": …}';
        if (Array.isArray(source) && source[0] === 'asset')
            return '{"source": "asset", "asset_id": "asset_…"}';
        if ((0,json/* isObject */.Gv)(branch) && Array.isArray(branch.enum))
            return `one of ${branch.enum.map((v) => shown(v, path)).join(', ')}`;
        if ((0,json/* isObject */.Gv)(branch) && typeof branch.type === 'string')
            return schema_words_KINDS[branch.type] ?? branch.type;
        return undefined;
    });
    const known = forms.filter((form) => form !== undefined);
    const rule = known.length === forms.length && known.length > 0 ? `must be ${(0,format/* orList */.A3)(known)}` : 'has none of the forms it may take';
    return `${subject(path, model)} ${rule} for model ${model.id}; got ${given(value, path)}.`;
}
/** Ajv's errors as problems: those of each field on their own, each failed combination as one sentence. */
function describeErrors(errors, input, model) {
    const combinators = errors.filter(isCombinator);
    const inside = (error) => combinators.some((c) => c !== error && error.schemaPath.startsWith(`${c.schemaPath}/`));
    const plain = errors.filter((error) => !isCombinator(error) && !inside(error));
    const outermost = combinators.filter((c) => !inside(c));
    const reported = new Set(plain.map(schema_words_fieldOf).filter((field) => field !== undefined));
    // Missing fields first: they read as the first thing to fix.
    const order = (error) => (error.keyword === 'required' ? 0 : error.keyword === 'additionalProperties' ? 1 : 2);
    const problems = [...plain].sort((a, b) => order(a) - order(b)).map((error) => describe(error, input, model));
    for (const combinator of outermost) {
        const problem = combinator.instancePath === '' ? describeCombination(combinator, errors, reported, input, model) : describeForms(combinator, input, model);
        if (problem !== undefined)
            problems.push(problem);
    }
    return problems;
}

;// CONCATENATED MODULE: ./src/apis/v3/durations.ts
// Local audio and video files against the lengths a v3 model's media field takes: its Hedra keywords
// min_duration_ms and max_duration_ms (per file) and max_total_duration_ms (of a list, together), on
// the field or on its items. Only the files of a field with bounds are read (media/durations.ts); the
// comparison is media/duration-bounds.ts's, shared with v2.




/** A field's bounds: each keyword on the field itself, else on its items (a list of media). */
function fieldDurationBounds(model, field) {
    const schema = fieldSchema(model, field);
    const items = (0,json/* isObject */.Gv)(schema?.items) ? schema.items : undefined;
    const bound = (keyword) => (0,duration_bounds/* boundMs */.Py)(schema?.[keyword]) ?? (0,duration_bounds/* boundMs */.Py)(items?.[keyword]);
    return { minMs: bound('min_duration_ms'), maxMs: bound('max_duration_ms'), maxTotalMs: bound('max_total_duration_ms') };
}
/**
 * The local audio and video files against their fields' bounds. `pathOf` gives where a file is on
 * disk (by the path as written); each file is read once, however many fields it is given to.
 */
async function checkV3Durations(model, files, pathOf) {
    const lengths = new Map();
    const lengthOf = (written) => {
        const path = pathOf(written);
        if (path === undefined)
            return Promise.resolve(undefined);
        if (!lengths.has(path))
            lengths.set(path, (0,durations/* mediaDurationMs */.L)(path));
        return lengths.get(path);
    };
    const byField = new Map();
    for (const file of files) {
        const field = String(file.path[0]);
        // A file of another kind than its field takes is refused as such (schema.ts): its length says nothing more.
        const fits = (mediaTypeAt(model, file.path) ?? file.kind) === file.kind;
        if ((file.kind === 'audio' || file.kind === 'video') && fits)
            byField.set(field, [...(byField.get(field) ?? []), file]);
    }
    const check = { problems: [], unmeasured: [] };
    for (const [field, fieldFiles] of byField) {
        const bounds = fieldDurationBounds(model, field);
        if (!(0,duration_bounds/* hasBounds */.C1)(bounds))
            continue;
        const timed = await Promise.all(fieldFiles.map(async (file) => ({ input: file.input, written: file.written, kind: file.kind, durationMs: await lengthOf(file.written) })));
        check.problems.push(...(0,duration_bounds/* durationProblems */.d6)(timed, bounds, model.id));
        check.unmeasured.push(...(0,duration_bounds/* unmeasured */.Q8)(timed));
    }
    return check;
}

// EXTERNAL MODULE: ./src/core/urls.ts
var urls = __webpack_require__(1221);
;// CONCATENATED MODULE: ./src/apis/v3/results.ts
// What a v3 job ended with, in the shape every report uses: its one output
// (the presigned URL to download), or why there is none; and the input as it
// may be shown, without the signatures of stored files' handles.


/**
 * The input as it may be shown (the `request` output, the summary, the manifest): a stored file's handle
 * without its query, whose signature lets anyone read the file for an hour.
 */
function shownInput(input) {
    const strip = (value) => {
        if (Array.isArray(value))
            return value.map(strip);
        if (typeof value !== 'object' || value === null)
            return value;
        const object = value;
        if (object.source === 'url' && typeof object.url === 'string')
            return { ...object, url: (0,urls/* withoutQuery */.j)(object.url) };
        return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, strip(v)]));
    };
    return { input: strip(input) };
}
/** An item whose job may still end well, but this run could not see it: how to pick it up. */
function lost(job, why) {
    return {
        id: job,
        status: 'error',
        error_message: `${why}; it may still complete on Hedra's side: to pick it up without paying again, run this action with generation-id: ${job}`,
    };
}
/** How long to wait before reading a lagging result again: a second apart at first, then backing off to 5 s. */
const resultRetryDelay = (attempt) => (attempt < 6 ? 1000 : Math.min(5000, 1000 * (attempt - 4)));
/**
 * The job's result once it has ended. Hedra's stream is fed apart from the result's store, so a result
 * read right as the stream says "completed" may lag, by seconds or more: it is read again until it shows the
 * job ended, within the step's `timeout` (`sleep` rejects at the deadline, and the caller reports the job
 * as ended but not readable yet, with how to pick it up).
 */
async function finalResult(client, job, sleep) {
    for (let attempt = 1;; attempt++) {
        const result = await client.result(job);
        const ended = result.status === 'FAILED' || (result.status === 'COMPLETED' && ((result.outputs?.length ?? 0) > 0 || isVoiceId(result.voice_id)));
        if (ended)
            return result;
        await sleep(resultRetryDelay(attempt));
    }
}
/** How long Hedra keeps a v3 job's media. */
const RETENTION = '48 hours';
/**
 * The voice a job made, when its output is a voice rather than a file (a voice clone). Undocumented in
 * form: the output's `voice_id`, its `asset_id` or `id` when that is a `voice_…`, or the result's `voice_id`.
 */
function voiceOf(output, result) {
    return [output?.voice_id, output?.asset_id, output?.id, result.voice_id].find(isVoiceId);
}
/** A finished job as the shared downloads and reporting see a generation: its one output, or why there is none. */
function itemStatus(job, status, result, modality) {
    const type = modality ?? undefined;
    if (status.status === 'FAILED' || result.status === 'FAILED') {
        const error = result.error;
        if (!error)
            return { id: job, type, status: 'error', error_message: 'Hedra gave no reason' };
        return {
            id: job,
            type,
            status: 'error',
            error: {
                type: error.code ?? undefined,
                message: error.message ?? undefined,
                param: error.param ?? undefined,
                violations: (error.details ?? []).map((d) => ({ field: d.field, message: d.message })),
            },
        };
    }
    const output = result.outputs?.[0];
    const voice = voiceOf(output, result);
    // A voice is what the job made, not a file that expires: nothing to download.
    if (voice !== undefined && output?.status !== 'FAILED')
        return { id: job, type, status: 'complete', voice_id: voice };
    if (!output)
        return { id: job, type, status: 'error', error_message: 'the job completed without an output' };
    if (output.status === 'EXPIRED' || (!output.url && !output.asset_id)) {
        return {
            id: job,
            type,
            status: 'error',
            error_message: `its output has expired: Hedra keeps v3 results for ${RETENTION}, so it can no longer be downloaded. Run again to make a new one (with "reuse: false", or a different seed)`,
        };
    }
    if (output.status === 'FAILED') {
        return { id: job, type, status: 'error', error: { type: output.error?.code ?? undefined, message: output.error?.message ?? 'the output failed' } };
    }
    // v3 has only the presigned URL (v2's `url` is a plain one): it goes to `download-url`, and `url` stays empty.
    return { id: job, type, status: 'complete', asset_id: output.asset_id ?? undefined, download_url: output.url };
}

;// CONCATENATED MODULE: ./src/apis/v3/schema.ts




/**
 * What a CommonJS module exports, seen through a dynamic import: Node puts module.exports on `default`,
 * and Ajv and ajv-formats also set module.exports.default to the same thing, so a bundle may hand over
 * either level. The first function down the chain is it.
 */
function exported(namespace) {
    let value = namespace;
    while (typeof value !== 'function' && value?.default !== undefined)
        value = value.default;
    return value;
}
let compiler;
/** One Ajv for the run, built on first use: a dynamic import, so that v2 runs never load it (ncc makes it a chunk of its own). */
function loadCompiler() {
    compiler ??= (async () => {
        const [ajvModule, formatsModule] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(457), __webpack_require__.e(210)]).then(__webpack_require__.t.bind(__webpack_require__, 2210, 23)), Promise.all(/* import() */[__webpack_require__.e(457), __webpack_require__.e(196)]).then(__webpack_require__.t.bind(__webpack_require__, 2815, 23))]);
        const Ajv2020 = exported(ajvModule);
        const addFormats = exported(formatsModule);
        // strict: false because Hedra's schemas carry keywords that are not JSON Schema (discriminator,
        // media_type, role, max_file_size_bytes…): Ajv ignores those, this file reads them itself.
        const ajv = new Ajv2020({ strict: false, allErrors: true });
        addFormats(ajv);
        return ajv;
    })();
    return compiler;
}
/** Compiled validators by schema object: a run checks the same model's schema once per job. */
const validators = new WeakMap();
async function validatorFor(model) {
    const cached = validators.get(model.inputSchema);
    if (cached)
        return cached;
    const ajv = await loadCompiler();
    // The dialect is 2020-12 (the schemas come from an OpenAPI 3.1 document), whatever `$schema` says.
    const { $schema: _dialect, ...schema } = model.inputSchema;
    let validate;
    try {
        validate = ajv.compile(schema);
    }
    catch (error) {
        throw new errors/* UnexpectedAnswer */.M7(`Hedra's input schema for model ${model.id} (GET /models/${model.id}) cannot be used to check the inputs: ${error.message}`, model.inputSchema);
    }
    validators.set(model.inputSchema, validate);
    return validate;
}
const FILE_KINDS = { image: 'an image', video: 'a video', audio: 'audio' };
/** Each local file against its field: the kind of media it takes, and the largest file. */
function fileProblems(model, files) {
    const problems = [];
    for (const file of files) {
        const schema = fieldSchema(model, file.path[0]);
        if (schema === undefined)
            continue;
        const mediaType = mediaTypeAt(model, file.path);
        if (mediaType !== undefined && file.kind !== mediaType) {
            const article = mediaType === 'audio' ? 'an audio' : mediaType === 'image' ? 'an image' : `a ${mediaType}`;
            const is = FILE_KINDS[file.kind] ?? `of kind ${file.kind}`;
            problems.push(`Input "${file.input}" must be ${article} file for model ${model.id}; "${file.written}" is ${is}.`);
        }
        const items = schema.items;
        const max = schema.max_file_size_bytes ?? ((0,json/* isObject */.Gv)(items) ? items.max_file_size_bytes : undefined);
        if (typeof max === 'number' && file.bytes > max) {
            const [size, limit] = (0,format/* comparedSizes */.kS)(file.bytes, max);
            problems.push(`Input "${file.input}": "${file.written}" is ${size}; model ${model.id} takes files of at most ${limit}.`);
        }
    }
    return problems;
}
/**
 * The problems of `input` against the model's input schema, in the workflow's words (empty when it
 * passes), and of each local file against its field. Media URLs in `input` must be absolute URLs (the
 * schema's `format: uri`): pass placeholders such as https://files.invalid/1 before the upload.
 * Throws UnexpectedAnswer only when Hedra's schema itself cannot be compiled.
 */
async function checkV3Input(input, model, localFiles = []) {
    const validate = await validatorFor(model);
    const problems = validate(input) ? [] : describeErrors(validate.errors ?? [], input, model);
    problems.push(...fileProblems(model, localFiles));
    return [...new Set(problems)];
}

;// CONCATENATED MODULE: ./src/apis/v3/plan.ts
// A v3 request, prepared before anything is paid: the model's input schema
// read (GET /models/{model}), the workflow's inputs mapped onto it with each
// local file as a placeholder URL, and the result checked with a real
// JSON-schema validator, with each file against its field. Once the files are
// stored, the same mapping is made again with their handles.







/** How a local file is named in the request before it is stored: a valid URL that says what will go there. */
const pendingUrl = (written) => `https://pending-upload.invalid/${encodeURIComponent(written)}`;
/** How many jobs: `batch-size` (every v3 model makes one output per job). */
const jobCount = (settings) => (typeof settings.mapped['batch-size'] === 'number' ? settings.mapped['batch-size'] : 1);
/** The model's input with the stored files' handles in place of their paths. */
function withHandles(plan, handles) {
    return mapV3Input(plan.inputs, plan.detail, (written) => {
        const upload = plan.byWritten.get(written);
        const handle = upload && handles.get(upload);
        if (!handle)
            throw new Error(`no stored file for ${written}`);
        return handle.url;
    });
}
/**
 * Every check v3 allows before paying; without a key (a dry run), only the inputs were read. `note` is told
 * what could not be checked here (a file whose length cannot be read).
 */
async function prepareV3(client, request, note = () => { }, reads = api/* uncached */.SG) {
    const { settings } = request;
    const model = settings.model;
    const inputs = { model, type: settings.typeGiven ? settings.type : undefined, mapped: settings.mapped, request: settings.request };
    const byWritten = new Map(request.files.uploads.flatMap((upload) => upload.writtenAs.map((written) => [written, upload])));
    const base = { settings, inputs, byWritten, count: jobCount(settings), inputAssetIds: (0,local_files/* inputAssetIds */.xI)(settings) };
    // v3 stores files by handle, not under an asset id: the summary shows none.
    for (const upload of request.files.uploads)
        upload.assetId = '';
    if (!client) {
        // The model's schema is Hedra's to give (GET /models/{model} needs a key): only the inputs were read.
        return { ...base, type: inputs.type, model, uploads: request.files.uploads, request: undefined, input: {}, urls: [] };
    }
    const detail = await reads(`v3 ${settings.baseUrl} GET /models/${model}`, () => client.model(model));
    // Checked with files as placeholders; the same mapping is made again with their handles once stored.
    const checked = mapV3Input(inputs, detail, pendingUrl);
    const localChecks = checked.media.flatMap((slot) => {
        const upload = slot.kind === 'file' ? byWritten.get(slot.written) : undefined;
        return upload ? [{ input: slot.input, written: slot.written, kind: upload.kind, bytes: upload.size, path: slot.path }] : [];
    });
    // The local audio and video against the lengths their fields take, before anything is stored.
    const durations = await checkV3Durations(detail, localChecks, (written) => byWritten.get(written)?.path);
    for (const written of durations.unmeasured)
        note(`The length of ${written} cannot be read here; Hedra checks it against model ${detail.id}'s bounds when it is stored.`);
    // All at once: the mapping leaves out what it reported, so the schema check does not say it again.
    const problems = [...checked.problems, ...(await checkV3Input(checked.input, detail, localChecks)), ...durations.problems];
    if (problems.length > 0)
        throw errors/* InputError */.dz.all(problems, `The request for model ${detail.id} has`);
    const uploads = request.files.uploads.filter((upload) => checked.media.some((slot) => slot.kind === 'file' && byWritten.get(slot.written) === upload));
    return {
        ...base,
        type: detail.modality,
        model: detail.name ? `${detail.id} (${detail.name})` : detail.id,
        uploads,
        request: shownInput(checked.input),
        detail,
        input: checked.input,
        urls: checked.media.filter((slot) => slot.kind === 'url'),
    };
}

;// CONCATENATED MODULE: ./src/apis/v3/refused-urls.ts
// A public https URL given to a media input goes to Hedra as {source: "url", url} for Hedra to fetch.
// Whether Hedra takes any public URL is contradictory in its own documents (the generated types say "a URL
// returned by POST /v3/files", the newer SDK README and the CLI take any): when a submit is refused on the
// field that carries such a URL, the message says to pass the file itself. A refused submit costs nothing.



/** 'input.start_image.url', 'start_image', '/input/images/1' → 'start_image', 'images[1]' (the field and item, no `.url`). */
function refusedAt(field) {
    const dotted = field.startsWith('/')
        ? field
            .slice(1)
            .split('/')
            .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
            .join('')
            .replace(/^\./, '')
        : field;
    return dotted.replace(/^input\./, '').replace(/\.(url|source)$/, '');
}
/** The URL slots a refusal names (by its field errors, or its `param`). */
function refusedUrls(error, urls) {
    if (!(error instanceof http_errors/* HttpError */.j$) || error.status !== 400 || urls.length === 0)
        return [];
    const envelope = v3Envelope(error.body);
    const fields = [...(envelope?.details ?? []).map((detail) => detail.field), envelope?.param].filter((field) => Boolean(field));
    const named = new Set(fields.map(refusedAt));
    // A refusal of a whole list (`audio`) names each URL in it.
    return urls.filter((slot) => named.has(formatPath(slot.path)) || named.has(String(slot.path[0])));
}
/** The refusal, with what to do when it is of a URL given to a media input; the same error otherwise. */
function withUrlAdvice(error, urls) {
    const refused = refusedUrls(error, urls);
    if (refused.length === 0 || !(error instanceof http_errors/* HttpError */.j$))
        return error;
    const inputs = [...new Set(refused.map((slot) => `"${slot.input}"`))].join(', ');
    const advice = `Hedra did not take the URL given to input ${inputs} (${refused.map((slot) => slot.written).join(', ')}): pass the file itself instead, as a path in the repository (commit it, or download it in an earlier step). The refused submit cost nothing.`;
    return new http_errors/* HttpError */.j$(`${error.message}\n${advice}`, error.status, error.body);
}

;// CONCATENATED MODULE: ./src/apis/v3/spec-version.ts
// The generation of Hedra's v3 API this action speaks.
/**
 * The version of the v3 OpenAPI document (`info.version`) the action is built and tested against
 * (test/fixtures/openapi-v3.json: a unit test holds the two equal, so refreshing the fixture means
 * revisiting this). Sent as `X-Hedra-Spec-Version` on every v3 request, as Hedra's own clients do, "so
 * the server can tell which generation of the API a caller was built against".
 */
const V3_SPEC_VERSION = '3.9.0';
/** The headers every request to the v3 API carries besides the key. */
const V3_HEADERS = { 'x-hedra-spec-version': V3_SPEC_VERSION };

// EXTERNAL MODULE: ./src/hedra/derived-ids.ts
var derived_ids = __webpack_require__(5550);
;// CONCATENATED MODULE: ./src/apis/v3/earlier.ts
// What a run does with the job Hedra answered a submit with, when the idempotency key is derived from the
// request (reuse): Hedra replays the job a key first made, whatever became of it, and says nothing of whether
// the answer is a replay. What Hedra says about the job decides: when it was submitted, on Hedra's clock,
// against the latest instant Hedra's clock told this run before it submitted; its status; its output. Pure:
// the adapter reads the facts (docs/decisions/v3-reuse.md).

/**
 * Without Hedra's clock, how much earlier than the submit by this machine's clock a job must be stamped to
 * count as an earlier run's: far more than two clocks kept by NTP drift apart. Only then: a job of this run
 * must never be taken for an earlier one (it would be reported as paid by another run).
 */
const CLOCKLESS_MARGIN_MS = 60_000;
/** Whether a job stamped `submittedAt` (Hedra's clock) existed before this submit; undefined when Hedra gave no stamp. */
function existedBefore(submittedAt, before) {
    if (submittedAt === undefined)
        return undefined;
    // A stamp before an instant Hedra's own clock had passed when it answered this run is earlier whatever the
    // clocks of the two machines say; a job this submit made is stamped after it, never before.
    if (before.hedra !== undefined)
        return submittedAt < before.hedra;
    return submittedAt < before.runner - CLOCKLESS_MARGIN_MS;
}
/** Statuses in which a job will never have an output. */
const DEAD = new Set(['FAILED', 'EXPIRED', 'CANCELLED', 'CANCELED']);
function verdict(job, before) {
    // Another request's job is never this run's result, however it came (its key is spent: a new one is needed).
    if (job.otherRequest)
        return { kind: 'again', why: `was made for another request (${job.otherRequest})`, freshKey: true };
    const earlier = existedBefore(job.submittedAt, before);
    // Undated, a job is taken as this run's: it is paid and counted, never claimed as another run's.
    if (!earlier)
        return { kind: 'made', undated: earlier === undefined };
    const status = job.status.toUpperCase();
    if (status === 'FAILED')
        return { kind: 'again', why: 'had failed', freshKey: false };
    if (DEAD.has(status))
        return { kind: 'again', why: `is ${status.toLowerCase()}`, freshKey: false };
    if (status === 'COMPLETED')
        return job.outputKept
            ? { kind: 'reuse', running: false }
            : { kind: 'again', why: `has no output left (Hedra keeps results for ${RETENTION})`, freshKey: false };
    return { kind: 'reuse', running: true };
}
/** Why the job is another request's: a model or a prompt other than the one submitted (undefined when nothing says so). */
function otherRequest(submitted, job) {
    if (job.model && job.model !== submitted.model)
        return `it ran model ${job.model}`;
    const prompt = submitted.input.prompt;
    // With enhance_prompt, Hedra shows the prompt it rewrote: no comparison then.
    if (typeof prompt !== 'string' || typeof job.prompt !== 'string' || submitted.input.enhance_prompt === true)
        return undefined;
    return job.prompt.trim() === prompt.trim() ? undefined : 'its prompt differs';
}

;// CONCATENATED MODULE: ./src/apis/v3/submit.ts







/**
 * The keys of each slot, one per job, derived like reuse's ids (credits/reuse.ts): an HMAC under the API key
 * of everything that makes the request (the base URL, the model and the input as sent).
 */
function derivedKeys(apiKey, settings, model, input) {
    const key = (0,derived_ids/* sha256 */.sc)((0,json/* canonicalJson */.dj)({ v: 1, api: 'v3', baseUrl: settings.baseUrl, model: model.id, input }));
    return (slot) => (0,derived_ids/* generationIdsFor */.sS)(apiKey, key, slot, jobCount(settings));
}
/**
 * Hedra answers a repeated idempotency key with the job it first made, whatever became of it, and does not
 * say whether an answer is a replay: what Hedra says about the job decides (earlier.ts). A job Hedra stamps
 * before an instant its clock had passed before this submit was made by an earlier run: completed with its
 * output still kept, or still running, it is this run's result at no cost; failed, expired or gone, it is
 * never this run's answer: the item is submitted again under the next slot's key (so that two re-runs of the
 * same failure still meet on one job), and after the last slot under a random one, as reuse skips a failed
 * generation on v2. A job made for another request (a key Hedra replays whatever the body) is left for a
 * random key. A job this run made is never submitted again. `before` is read just before each submit.
 * Returns the items reused; `jobs` is updated in place, each new job recorded as soon as it exists.
 */
async function replaced(ctx, client, model, input, keysFor, jobs, first, before) {
    const reused = new Set();
    await Promise.all(jobs.map(async (_, item) => {
        let at = first;
        for (let slot = 1;; slot++) {
            const job = jobs[item];
            const said = verdict(await factsOf(client, model, input, job, at), at);
            if (said.kind === 'made') {
                if (said.undated)
                    ctx.log.info(`Hedra gave no time for job ${job}: it is taken as made by this run, and paid by it.`);
                else if (slot === 1) {
                    // A key Hedra has forgotten makes a new job: said, and counted as this run's.
                    ctx.log.info(`Job ${job} is new: Hedra had no job under its idempotency key (the first run of this request, or an earlier run's key Hedra no longer keeps), so this run pays for it.`);
                }
                return;
            }
            if (said.kind === 'reuse') {
                reused.add(item);
                ctx.log.info(said.running
                    ? `Job ${job}, from the same request, is still running (an earlier run started it): waiting for it instead of paying for another.`
                    : `Job ${job} was made earlier from the same request (Hedra answered the same idempotency key with it): nothing is paid again. For a new take, change "seed" or set "reuse: false".`);
                return;
            }
            const fresh = said.freshKey || slot >= derived_ids/* SLOTS */._f;
            const whose = said.freshKey
                ? `Hedra answered this request's idempotency key with job ${job}, which`
                : `Job ${job}, made earlier from the same request,`;
            ctx.log.info(`${whose} ${said.why}: submitting again under a new key${fresh ? ` (a random one${said.freshKey ? '' : ': the derived ones are used up'})` : ''}.`);
            const key = fresh ? ctx.newId() : keysFor(slot)[item];
            at = before();
            jobs[item] = (await client.submit(model.id, input, key)).job_id;
            ctx.state.created = [...jobs];
            if (fresh)
                return;
        }
    }));
    return reused;
}
/** What Hedra says about a job: its status and when it was submitted; for an earlier one, its output and whose request it ran. */
async function factsOf(client, model, input, job, at) {
    const { status, submittedAt } = await client.statusAndStart(job);
    if (!existedBefore(submittedAt, at))
        return { submittedAt, status: status.status };
    const result = await client.result(job);
    const output = result.outputs?.[0];
    return {
        submittedAt,
        status: status.status,
        outputKept: Boolean(output && output.status !== 'EXPIRED' && output.url),
        otherRequest: otherRequest({ model: model.id, input }, result),
    };
}
/** Whether a submit was refused because a stored file's handle had lapsed (reason `expired`). */
function expiredHandle(error) {
    if (!(error instanceof http_errors/* HttpError */.j$) || error.status !== 400)
        return false;
    return v3Envelope(error.body)?.details.some((detail) => detail.reason === 'expired') ?? false;
}
/**
 * Submits the items (all unless said), together, one key each, filling `jobs`; every job that exists is
 * recorded at once. Resolves to the refusals, by item.
 */
async function submitEach(ctx, client, model, input, keys, jobs, items = keys.map((_, i) => i)) {
    const refused = new Map();
    await Promise.all(items.map(async (item) => {
        const record = (job) => {
            jobs[item] = job;
            ctx.state.created = jobs.filter((each) => each !== undefined);
        };
        try {
            record((await client.submit(model.id, input, keys[item], record)).job_id);
        }
        catch (error) {
            refused.set(item, error);
        }
    }));
    return refused;
}
/** A refused submit as the user reads it: field problems in the workflow's words, an unknown outcome with what to do. */
function submitFailure(model, error) {
    if (error instanceof http_errors/* HttpError */.j$ && error.status === 400 && v3Envelope(error.body)?.details.length) {
        const lines = v3DetailLines(error.body, (field) => subjectFor(field, model));
        return new http_errors/* HttpError */.j$(`Hedra refused the request for model ${model.id} (HTTP 400):\n- ${lines.join('\n- ')}`, error.status, error.body);
    }
    if (error instanceof http_errors/* HttpError */.j$ && v3Envelope(error.body)?.code === 'ALREADY_EXISTS') {
        return new http_errors/* HttpError */.j$(`${error.message}\nHedra already has a job under this idempotency key, for a request that differs. Set "reuse: false" for a new job, or pick up a job you know with generation-id: job_….`, error.status, error.body);
    }
    if (error instanceof http_errors/* HttpError */.j$ && error.retryable === true && v3Envelope(error.body)?.code === 'ALREADY_IN_PROGRESS') {
        return new http_errors/* HttpError */.j$(`${error.message}\nAnother submit under this idempotency key (a run of the same inputs) is still being processed, so no second job was paid for. Run the workflow again once it has been, to get its job.`, error.status, error.body);
    }
    return error;
}
/**
 * Whether a refusal may be one Hedra kept under the idempotency key from an earlier submit (whether it keeps
 * refusals is undocumented): any clear refusal (4xx) but a rate limit or a timeout, which the retry policy
 * owns, including ALREADY_EXISTS (the key taken by another body). Refused submits are free: asking once more
 * under a random key tells a refusal that still holds from one that no longer does. Not one Hedra says is
 * `retryable` (a key whose first submit is still in progress): the job under the key is coming, and a random
 * key would pay for a second one.
 */
function mayBeKept(error) {
    if (!(error instanceof http_errors/* HttpError */.j$) || error.retryable === true)
        return false;
    return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}
/** Whether a submit that failed so may still have made a job: anything but Hedra's clear refusal (a 4xx other than 408). */
function outcomeUnknown(error) {
    return !(error instanceof http_errors/* HttpError */.j$) || error.status >= 500 || error.status === 408;
}
/**
 * What a submit in flight may leave on Hedra's side when the run ends before its answer names the job (the
 * deadline, a cancel, a lost connection): how to find it and pick it up without paying again. `rerunFinds`: the
 * keys are derived from the request, so the same inputs send them again and Hedra answers with the job.
 */
function mayExistNote(model, keys, rerunFinds, submittedAt) {
    const one = keys.length === 1;
    const which = `${one ? 'A job' : 'Jobs'} of model ${model} may exist on Hedra's side: the submit (idempotency key${one ? '' : 's'} ${keys.join(', ')}) may have reached Hedra before its answer reached this run.`;
    if (rerunFinds) {
        return `${which} Running this workflow again with the same inputs sends the same idempotency key, and Hedra answers with that job instead of starting another (nothing is paid twice).`;
    }
    return (`${which} A re-run sends a new key (with "reuse: false", or with local files, which are stored again), so it would start and pay for another job: ` +
        `first look for ${one ? 'a job' : 'the jobs'} of ${model} submitted at ${new Date(submittedAt).toISOString()} (GET /v3/models/${model}/jobs, or Hedra's dashboard), and pick ${one ? 'it' : 'them'} up with generation-id: job_….`);
}

;// CONCATENATED MODULE: ./src/apis/v3/adapter.ts
// Hedra's v3 API as the pipeline drives it: one endpoint per model, the
// model's own input schema checked with a real JSON-schema validator, local
// files stored with POST /files (free, valid for an hour), prices from
// POST /models/{model}/estimate in US dollars, one job per batch item under
// an idempotency key, and each job followed on its event stream (polling
// when the stream fails). Design: docs/decisions/v3.md.














/** Where a person adds funds to the v3 wallet. */
const FUNDING_URL = 'https://www.hedra.com/develop/billing';
/** How many files are stored at once. */
const STORE_CONCURRENCY = 3;
/**
 * Hedra's documented limit: 60 requests per 60 s per API key (the 429 example of the v3 document, and
 * ../shared/hedra-api/README.md), which every request of a run keeps to (docs/decisions/request-budget.md).
 */
const V3_RATE_LIMIT = { requests: 60, windowMs: 60_000 };
/** The v3 API: its key as `Authorization: Key <key_id>:<secret>`, the spec version it is built against, its error envelope, its rate limit. */
const v3Adapter = {
    keyScheme: 'authorization-key',
    headers: V3_HEADERS,
    describeError: describeV3Error,
    rateLimit: V3_RATE_LIMIT,
    make: v3Api,
};
function v3Api(ctx) {
    const { log, settings } = ctx;
    const client = (0,lazy/* once */.O)(() => new HedraV3Client(ctx.transport(), log, ctx.clock));
    /** What the model makes: every report of its jobs says so. */
    let modality;
    /** Stores each local file with POST /files, a few at a time. */
    async function store(uploads) {
        const handles = new Map();
        await log.group(`Storing ${uploads.length} file${uploads.length > 1 ? 's' : ''}`, () => (0,lazy/* pool */.d)(uploads, STORE_CONCURRENCY, async (upload) => {
            const started = ctx.clock();
            const handle = await client().uploadFile(upload);
            handles.set(upload, handle);
            log.info(`Stored ${upload.written} (${upload.inputs.join(', ')}, ${handle.content_type ?? upload.contentType}) in ${((ctx.clock() - started) / 1000).toFixed(1)}s; the handle is valid until ${handle.expires_at ?? 'an hour from now'}.`);
        }));
        return handles;
    }
    return {
        name: 'v3',
        unit: 'USD',
        noun: 'job',
        // The mapping puts the text where the model takes it (`prompt`, or `text` on a speech model).
        promptInput: () => 'prompt',
        async prepare(request) {
            const plan = await prepareV3(ctx.apiKey ? client() : undefined, request, (text) => log.info(text), ctx.reads);
            modality = plan.detail?.modality;
            return plan;
        },
        // Hedra answers a repeated idempotency key with the job it started: earlier work shows only once submitted.
        earlier: async () => undefined,
        async estimate(plan) {
            if (!plan.detail)
                return { known: false, reason: "pricing the request needs an API key (Hedra's estimate)" };
            if (plan.uploads.length > 0 && !plan.handles)
                return { known: false, reason: 'the estimate prices the stored files', afterStoring: true };
            const price = await (0,context/* settled */.g)(client().estimate(plan.detail.id, plan.input), (error) => log.warning(`Could not get an estimate from Hedra (${(0,errors/* said */.ag)(error)}).`, 'No estimate'));
            if (!price)
                return { known: false, reason: 'Hedra gave no estimate for this request' };
            if (price === 'unpriceable') {
                return {
                    known: false,
                    reason: `Hedra cannot price model ${plan.detail.id} before it has measured the inputs (its estimate gives no cost)`,
                    unpriceable: true,
                };
            }
            if ('problem' in price) {
                const reason = `Hedra's estimate answered ${price.problem}`;
                log.warning(`The cost is not known: ${reason}. It is not taken as free.`, 'No estimate');
                return { known: false, reason };
            }
            const each = price;
            const total = { amount: (0,money/* rounded */.Wf)(price.amount * plan.count), unit: price.unit };
            const times = plan.count > 1 ? ` (${plan.count} × ${(0,money/* formatMoney */.up)(each)})` : '';
            return { known: true, total, each, items: plan.count, lowerBound: false, text: `${(0,money/* formatMoney */.up)(total)}${times}, from POST /models/{model}/estimate` };
        },
        async balance() {
            const balance = await client().balance();
            if (!balance)
                return undefined;
            if ('problem' in balance) {
                log.info(`The API wallet's balance cannot be weighed (Hedra answered ${balance.problem}); Hedra checks it when the request is submitted.`);
                return undefined;
            }
            return {
                what: 'money in the Hedra API wallet',
                available: balance,
                topUp: `Add funds at ${FUNDING_URL} (the v3 wallet is separate from v2 credits and from Studio).`,
                // Wallets can top up automatically at submit (builds after spec 3.9.0): a low balance proves nothing.
                mayTopUpAtSubmit: true,
            };
        },
        dryRun(plan) {
            if (!plan.detail) {
                return {
                    lines: [
                        `Dry run without an API key: the inputs were read, but checking them against model ${plan.inputs.model}'s input schema needs a key; nothing was sent.`,
                    ],
                };
            }
            const lines = plan.uploads.map((u) => `Would store ${u.written} (${u.inputs.join(', ')}) with POST /files.`);
            const jobs = plan.count > 1 ? ` (${plan.count} jobs)` : '';
            lines.push(`Dry run: the request for model ${plan.detail.id} is valid${jobs}; nothing was submitted.\n${JSON.stringify({ input: plan.input }, null, 2)}`);
            return { lines, request: { input: plan.input } };
        },
        // Files are stored (free, and allowed on an empty wallet) before the estimate, which prices the real request.
        async store(plan) {
            const handles = await store(plan.uploads);
            const { input } = withHandles(plan, handles);
            return { ...plan, handles, input, request: shownInput(input) };
        },
        async submit(plan, state) {
            const detail = plan.detail;
            const submitting = { log, settings, state, newId: ctx.newId };
            const { count } = plan;
            // The idempotency keys: with `reuse`, derived from the request and the API key, so that a re-run of the
            // same request is answered with the job it started; random otherwise (a retry still gets its own job).
            // Hedra ties a key to the exact request, whose stored files' handles change with every upload: with
            // local files a re-run is a new request, and the keys only protect this run's retries.
            const keysFor = settings.reuse && ctx.apiKey ? derivedKeys(ctx.apiKey, settings, detail, plan.input) : undefined;
            if (keysFor && plan.uploads.length > 0) {
                log.info('With local files, a re-run stores them again under new handles, so it makes a new job (reuse covers requests without local files on v3).');
            }
            const submittedAt = ctx.clock();
            const jobs = new Array(count).fill(undefined);
            let input = plan.input;
            // Until every submit has answered, whatever ends the run says what may exist and how to find it.
            const rerunFinds = keysFor !== undefined && plan.uploads.length === 0;
            /**
             * A refusal under a derived key may be one Hedra kept from an earlier run whose cause is fixed since: the
             * refused items are submitted once more under random keys (a refused submit is free), and only a refusal
             * that still holds fails the run. A job so made is this run's; a re-run cannot find it by its key.
             */
            const refusedAgain = async (refusals) => {
                const items = [...refusals].filter(([, error]) => mayBeKept(error)).map(([item]) => item);
                log.info(`Hedra refused the submit under this request's idempotency key (${(0,errors/* said */.ag)(refusals.get(items[0]))}). Whether Hedra keeps a refusal under its key is undocumented: submitting once more under a new random key, so that an earlier run's refusal is not taken for this one's.`);
                const again = await submitAll(Array.from({ length: count }, ctx.newId), items, false);
                const made = items.filter((item) => !again.has(item)).map((item) => jobs[item]);
                for (const item of items) {
                    const error = again.get(item);
                    if (error === undefined)
                        refusals.delete(item);
                    else
                        refusals.set(item, error);
                }
                if (made.length > 0) {
                    log.info(`Hedra accepted the new key (job ${made.join(', ')}): the refusal was one it kept under this request's key. Until Hedra forgets it, a re-run with the same inputs makes a new job; to use ${made.length > 1 ? 'them' : 'it'} again, give generation-id the job id${made.length > 1 ? 's, one a line' : ''}.`);
                }
                return refusals;
            };
            const submitAll = async (keys, items, findable = rerunFinds) => {
                state.mayExist = mayExistNote(detail.id, items ? items.map((i) => keys[i]) : keys, findable, submittedAt);
                const refusals = await submitEach(submitting, client(), detail, input, keys, jobs, items);
                // A job whose answer's headers named it is known (state.created): only an item with no job may leave one unnamed.
                if (![...refusals].some(([item, error]) => jobs[item] === undefined && outcomeUnknown(error)))
                    state.mayExist = undefined;
                return refusals;
            };
            // Hedra's clock as it last said, just before each submit: a job it stamps earlier is an earlier run's.
            const before = () => ({ hedra: client().hedraTime(), runner: ctx.clock() });
            const first = before();
            let refused = await submitAll(keysFor ? keysFor(0) : Array.from({ length: count }, ctx.newId));
            if (refused.size > 0 && plan.uploads.length > 0 && [...refused.values()].every(expiredHandle)) {
                // A handle lapsed between storing and submitting (they last an hour): store the files again, once, and
                // submit the refused items (the refusal made no job) with the fresh handles.
                log.info('Hedra said a stored file had expired; storing the files again and submitting with the fresh handles.');
                state.phase = 'uploading';
                input = withHandles(plan, await store(plan.uploads)).input;
                state.phase = 'creating the generation';
                const keys = keysFor ? derivedKeys(ctx.apiKey, settings, detail, input)(0) : Array.from({ length: count }, ctx.newId);
                refused = await submitAll(keys, [...refused.keys()]);
            }
            if (rerunFinds && [...refused.values()].some(mayBeKept))
                refused = await refusedAgain(refused);
            if (refused.size > 0)
                throw withUrlAdvice(submitFailure(detail, [...refused.values()][0]), plan.urls);
            const submitted = jobs;
            const reused = keysFor && plan.uploads.length === 0 ? await replaced(submitting, client(), detail, input, keysFor, submitted, first, before) : new Set();
            const fresh = submitted.filter((_, i) => !reused.has(i));
            if (fresh.length > 0)
                log.info(`Submitted ${detail.id} job ${fresh.join(', ')}.`);
            return {
                ids: submitted,
                assetIds: submitted.map(() => ''),
                refused: [],
                paidElsewhere: new Set(submitted.filter((_, i) => reused.has(i))),
                reused: reused.size === submitted.length ? { waited: false } : undefined,
                request: input === plan.input ? undefined : shownInput(input),
            };
        },
        async unknownIds(jobs) {
            const unknown = [];
            for (const job of jobs) {
                try {
                    await client().status(job);
                }
                catch (error) {
                    if (!(error instanceof http_errors/* HttpError */.j$) || error.status !== 404)
                        throw error;
                    unknown.push(job);
                }
            }
            return unknown;
        },
        async follow(jobs, handlers) {
            const { control } = ctx.transport();
            const results = [];
            /** Jobs that ended, whose result has not been read yet (it may lag the status). */
            const unread = new Set();
            const seen = new Map(jobs.map((job) => [job, undefined]));
            const ended = (job, status, cost) => {
                unread.delete(job);
                seen.set(job, status);
                handlers.onFinal(job, status, cost);
            };
            try {
                await waitForJobs(jobs, {
                    client: client(),
                    log,
                    deadline: control.deadline,
                    clock: ctx.clock,
                    sleep: (ms, signal) => control.sleep(ms, signal),
                    onFinal: (job, status) => {
                        unread.add(job);
                        seen.set(job, { ...asItemStatus(job, status), status: 'finalizing' });
                        const read = finalResult(client(), job, (ms) => control.sleep(ms)).then((result) => {
                            const cost = typeof result.cost === 'number' ? { amount: result.cost, unit: result.currency ?? 'USD' } : undefined;
                            ended(job, itemStatus(job, status, result, modality), cost);
                        }, (error) => {
                            if ((0,errors/* isStop */.jX)(error))
                                throw error;
                            ended(job, lost(job, `its result could not be read (${(0,errors/* said */.ag)(error)})`));
                        });
                        results.push(read);
                    },
                    // One job that cannot be followed does not stop the others: their results are paid for.
                    onLost: (job, error) => ended(job, lost(job, `it could not be followed (${(0,errors/* said */.ag)(error)})`)),
                });
                await Promise.all(results);
            }
            catch (error) {
                await Promise.allSettled(results);
                // The deadline while a result lagged: those jobs ended and are paid for; they are named as not readable yet.
                if (error instanceof api/* WaitTimeout */.vw)
                    throw new api/* WaitTimeout */.vw(new Map([...error.last].map(([job, s]) => [job, seen.get(job) ?? s])), unread);
                if (error instanceof errors/* DeadlineReached */.h_)
                    throw new api/* WaitTimeout */.vw(seen, unread);
                throw error;
            }
        },
        // What each job cost came with its result: nothing more to read.
        charged: async (_jobs, known) => known,
    };
}


/***/ })

};
