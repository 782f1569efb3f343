"""Our own cross-site scripting corpus for the comment paths.

Every payload, if it ever ran, would leave a trace the browser tests can see:
an ``alert`` whose message holds :data:`CANARY`, a console line holding it, or
``window.__xss`` set. The corpus is built from hand-written vectors (tags,
event handlers, dangerous URL schemes, SVG/MathML, attribute and context
breaking, parser confusion) and their variants (mixed case, HTML entities,
URL encoding, JavaScript unicode escapes, NUL bytes, bidi controls), plus
template-injection strings that must come out as literal text.

``PAYLOADS`` is a tuple of unique strings (see ``len(PAYLOADS)``; at least 200).
"""

from __future__ import annotations

import base64
import urllib.parse

CANARY = "XSS-CANARY"

#: The three ways a payload reports that it ran.
ACTIONS = (
    "alert('XSS-CANARY')",
    "window.__xss=1",
    "console.log('XSS-CANARY')",
)

# Vectors with ``{js}`` where the script goes. Written for this project.
VECTORS = (
    # Script elements.
    "<script>{js}</script>",
    "<script type=module>{js}</script>",
    "<script>/*</script><script>*/{js}</script>",
    "<scr<script>ipt>{js}</scr</script>ipt>",
    "<<script>{js}//<</script>",
    "</script><script>{js}</script>",
    '"}]</script><script>{js}</script>',
    # Event handlers on ordinary elements.
    "<img src=x onerror={js}>",
    '<img src="x" onerror="{js}">',
    "<img/src/onerror={js}>",
    "<img src=x:x onerror='{js}'>",
    '<img srcset="nope 1x" onerror="{js}">',
    "<body onload={js}>",
    "<details open ontoggle={js}>",
    "<input autofocus onfocus={js}>",
    "<select autofocus onfocus={js}></select>",
    "<textarea autofocus onfocus={js}></textarea>",
    "<video><source onerror={js}></video>",
    "<audio src=x onerror={js}>",
    "<marquee onstart={js}>défile</marquee>",
    "<xss id=x tabindex=1 autofocus onfocusin={js}></xss>",
    '<a href="https://example.org" onclick="{js}">lien</a>',
    '<div onmouseover="{js}">survolez-moi</div>',
    "<style onload={js}></style>",
    "<iframe onload={js}></iframe>",
    # SVG and MathML.
    "<svg onload={js}>",
    "<svg/onload={js}>",
    "<svg><script>{js}</script></svg>",
    "<svg><animate onbegin={js} attributeName=x dur=1s>",
    "<svg><set onbegin={js} attributeName=x to=1>",
    '<svg><a xlink:href="javascript:{js}"><text x=9 y=9>x</text></a></svg>',
    "<svg><foreignObject><img src=x onerror={js}></foreignObject></svg>",
    '<math href="javascript:{js}">clic</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror={js}>",
    "<math><mi xlink:href=javascript:{js}>x</mi></math>",
    # Dangerous URL schemes.
    '<a href="javascript:{js}">clic</a>',
    '<a href="JaVaScRiPt:{js}">clic</a>',
    '<a href="jav&#x09;ascript:{js}">clic</a>',
    '<a href="&#106;avascript:{js}">clic</a>',
    '<a href=" javascript:{js}">clic</a>',
    '<iframe src="javascript:{js}"></iframe>',
    '<iframe srcdoc="<script>parent.{js}</script>"></iframe>',
    '<object data="javascript:{js}"></object>',
    '<embed src="javascript:{js}">',
    '<form action="javascript:{js}"><button>envoyer</button></form>',
    '<button form=commentform formaction="javascript:{js}">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
    '<base href="javascript:{js}//">',
    '<link rel=stylesheet href="javascript:{js}">',
    '<div style="background:url(javascript:{js})">fond</div>',
    "<style>@import 'javascript:{js}';</style>",
    '<table background="javascript:{js}"><tr><td>x</td></tr></table>',
    "javascript:{js}",
    "javascript://example.org/%0a{js}",
    " JAVASCRIPT:{js}",
    "data:text/html,<script>{js}</script>",
    '<object data="data:text/html,<script>parent.{js}</script>"></object>',
    # Attribute and context breaking.
    '"><img src=x onerror={js}>',
    "'><img src=x onerror={js}>",
    '" onmouseover="{js}" x="',
    "' onfocus='{js}' autofocus x='",
    '" autofocus onfocus="{js}',
    "</textarea><script>{js}</script>",
    "</title><script>{js}</script>",
    "</bdi><script>{js}</script>",
    "</blockquote><img src=x onerror={js}>",
    "</p></div></article><img src=x onerror={js}>",
    '<!--<img src="--><img src=x onerror={js}//">',
    "<![CDATA[<script>{js}</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror={js}>">',
    '<img """><script>{js}</script>">',
    '<a title="a`b" href=x`onmouseover={js}`>x</a>',
    # Link texts that the comment autolinker must keep inert.
    'https://example.org/"><script>{js}</script>',
    "https://example.org/?q=<img src=x onerror={js}>",
    'https://example.org/#"onmouseover="{js}"',
    "http://example.org/'onclick='{js}'",
    "https://exa<script>{js}</script>mple.org",
    'www.example.org/"><svg onload={js}>',
    # Markdown-looking input (comments are plain text).
    "[clic](javascript:{js})",
    '![image](x" onerror="{js})',
    "<a href=javascript&colon;{js}>clic</a>",
)

#: Strings a template engine would evaluate; they must show as typed.
TEMPLATE_INJECTIONS = (
    "{{7*7}}",
    "${7*7}",
    "<%= 7*7 %>",
    "#{7*7}",
    "{{constructor.constructor('alert(\"XSS-CANARY\")')()}}",
    "{% debug %}",
    "{{ request.META }}",
    "{{ settings.SECRET_KEY }}",
    "[[${7*7}]]",
    "{{'XSS-CANARY'|safe}}",
)


def _mixed_case(text: str) -> str:
    """Alternate the case of every letter (``<ScRiPt>``); scripts stay intact."""
    out = []
    upper = False
    for char in text:
        if char.isalpha():
            out.append(char.upper() if upper else char.lower())
            upper = not upper
        else:
            out.append(char)
    return "".join(out)


def _entities(text: str) -> str:
    """Encode every character as a decimal HTML entity (``&#60;script&#62;``)."""
    return "".join(f"&#{ord(c)};" for c in text)


def _hex_entities(text: str) -> str:
    """Encode the angle brackets and quotes as hex entities without semicolons."""
    table = {"<": "&#x3c", ">": "&#x3e", '"': "&#x22", "'": "&#x27"}
    return "".join(table.get(c, c) for c in text)


def _js_unicode(text: str) -> str:
    """Escape the markup characters the way a JavaScript string would."""
    table = {"<": "\\u003c", ">": "\\u003e", '"': "\\u0022", "'": "\\u0027"}
    return "".join(table.get(c, c) for c in text)


def _data_url(js: str) -> str:
    """Return a base64 ``data:text/html`` link whose document runs ``js``."""
    document = f"<script>parent.{js}</script>".encode()
    return (
        '<a href="data:text/html;base64,'
        f'{base64.b64encode(document).decode()}">clic</a>'
    )


def _build() -> tuple[str, ...]:
    payloads: list[str] = []
    for index, vector in enumerate(VECTORS):
        # Each vector with two different actions, so a filter keyed on one
        # function name does not hide the other.
        first = ACTIONS[index % 3]
        second = ACTIONS[(index + 1) % 3]
        payloads.append(vector.replace("{js}", first))
        mixed = "{js}".join(_mixed_case(part) for part in vector.split("{js}"))
        payloads.append(mixed.replace("{js}", second))
    for index, vector in enumerate(VECTORS[::3]):
        plain = vector.replace("{js}", ACTIONS[index % 3])
        payloads.append(_entities(plain))
        payloads.append(urllib.parse.quote(plain, safe=""))
        payloads.append(_js_unicode(plain))
        payloads.append(_hex_entities(plain))
    js = ACTIONS[0]
    payloads += [
        # NUL bytes inside tag and attribute names.
        f"<scr\x00ipt>{js}</scr\x00ipt>",
        f"<img src=x o\x00nerror={js}>",
        f'<a href="java\x00script:{js}">clic</a>',
        f"\x00<script>{js}</script>",
        f"<svg\x00onload={js}>",
        # Bidi controls: right-to-left override, isolates, a reversed tag.
        f"\u202e<script>{js}</script>",
        f"<img src=x onerror=\u2066{js}\u2069>",
        "\u202e>tpircs/<)'XSS-CANARY'(trela>tpircs<",
        f'\u2067<a href="javascript:{js}">\u0627\u0646\u0642\u0631</a>\u2069',
        f"\u200f<img src=x onerror={js}>\u200e",
        f'\u061c"><svg onload={js}>',
        f"\u202b</bdi><script>{js}</script>\u202c",
        # Other encodings and parser tricks.
        _data_url(ACTIONS[1]),
        _data_url(ACTIONS[0]),
        "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;"
        "&#40;&#39;XSS-CANARY&#39;&#41;>",
        "<img src=x onerror=\\u0061lert('XSS-CANARY')>",
        "<img src=x onerror=eval(atob('YWxlcnQoJ1hTUy1DQU5BUlknKQ=='))>",
        "%3Cscript%3Ealert('XSS-CANARY')%3C%2Fscript%3E",
        "%253Cscript%253Ealert('XSS-CANARY')%253C%252Fscript%253E",
        "\\x3cscript\\x3ealert('XSS-CANARY')\\x3c/script\\x3e",
        "＜script＞alert('XSS-CANARY')＜/script＞",
        "<script\t>alert('XSS-CANARY')</script\n>",
        "<img\nsrc=x\nonerror=alert('XSS-CANARY')>",
        "<iframe src=\"vbscript:msgbox('XSS-CANARY')\"></iframe>",
        "<a href=\"vbscript:msgbox('XSS-CANARY')\">clic</a>",
        "vbscript:msgbox('XSS-CANARY')",
        "<a href=\"data:application/javascript,alert('XSS-CANARY')\">clic</a>",
        "<script src=data:text/javascript,alert('XSS-CANARY')></script>",
        "<script src=//127.0.0.1:9/x.js></script>",
    ]
    payloads += list(TEMPLATE_INJECTIONS)
    return tuple(dict.fromkeys(payloads))


PAYLOADS: tuple[str, ...] = _build()
