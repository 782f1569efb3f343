"""Text of the demo newsroom: invented stories, people and companies.

Everything here is original writing for the demo. Names of people, firms and
projects are fictional. Body items are ``("p", text)``, ``("h", subheading)``
and ``("q", quote, attribution)``.
"""

from __future__ import annotations

from dataclasses import dataclass

BodyItem = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SectionText:
    """A section in both editions."""

    slug: str
    title_fr: str
    title_ar: str
    intro_fr: str
    intro_ar: str
    colour: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class AuthorText:
    """A demo journalist."""

    slug: str
    name: str
    role: str
    bio: str


@dataclass(frozen=True, slots=True)
class ArticleText:
    """A demo article; ``hours_ago`` spreads publication dates."""

    section: str
    slug: str
    kicker: str
    title: str
    standfirst: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    hours_ago: int
    credit: str
    body: tuple[BodyItem, ...]


SITE_NAME = "Manchette"
TAGLINE_FR = "L’actualité du Maroc et du Maghreb, sans détour"
TAGLINE_AR = "أخبار المغرب والمغرب الكبير بلا مواربة"
HOME_TITLE_FR = "À la une"
HOME_TITLE_AR = "الرئيسية"

SECTIONS = (
    SectionText(
        "economie",
        "Économie",
        "اقتصاد",
        "Entreprises, marchés, emploi : l’économie marocaine au quotidien.",
        "الشركات والأسواق والتشغيل: الاقتصاد المغربي يوما بيوم.",
        (16, 86, 120),
    ),
    SectionText(
        "tech",
        "Tech",
        "تكنولوجيا",
        "Start-up, numérique public et intelligence artificielle.",
        "الشركات الناشئة والرقمنة العمومية والذكاء الاصطناعي.",
        (92, 52, 150),
    ),
    SectionText(
        "maghreb",
        "Maghreb",
        "المغرب الكبير",
        "De Nouakchott à Tunis, ce qui se joue dans la région.",
        "من نواكشوط إلى تونس، ما يجري في المنطقة.",
        (170, 74, 38),
    ),
)

AUTHORS = (
    AuthorText(
        "salma-bennani",
        "Salma Bennani",
        "Cheffe du service Économie",
        "Salma suit l’industrie et les marchés depuis Casablanca.",
    ),
    AuthorText(
        "youssef-alaoui",
        "Youssef Alaoui",
        "Journaliste Tech",
        "Youssef couvre les start-up et la transformation numérique.",
    ),
    AuthorText(
        "nadia-el-idrissi",
        "Nadia El Idrissi",
        "Correspondante régionale",
        "Nadia raconte le Maghreb depuis Oujda et Tunis.",
    ),
    AuthorText(
        "karim-tazi",
        "Karim Tazi",
        "Rédacteur en chef adjoint",
        "Karim coordonne l’édition du matin.",
    ),
    AuthorText(
        "hind-berrada",
        "هند برادة",
        "صحفية",
        "تتابع هند الاقتصاد والتكنولوجيا لنسخة مانشيت العربية.",
    ),
)

ARTICLES_FR = (
    ArticleText(
        section="economie",
        slug="port-de-kenitra-atlantique-premiere-annee",
        kicker="Logistique",
        title=(
            "Le port de Kénitra Atlantique boucle "
            "une première année au-delà des prévisions"
        ),
        standfirst=(
            "Douze mois après l’arrivée du premier porte-conteneurs, la plateforme "
            "revendique un trafic supérieur de 18 % à son plan d’affaires, porté "
            "par l’automobile et l’agroalimentaire."
        ),
        authors=("salma-bennani",),
        tags=("ports", "logistique", "industrie automobile"),
        hours_ago=5,
        credit="Illustration Manchette",
        body=(
            (
                "p",
                "Les grues n’ont presque pas cessé de tourner cette année sur les "
                "quais de Kénitra Atlantique. Selon le bilan présenté mardi par la "
                "société d’exploitation, la plateforme a traité l’équivalent de "
                "410 000 conteneurs, là où son plan d’affaires tablait sur 350 000.",
            ),
            (
                "p",
                "La proximité des usines automobiles de la région explique une bonne "
                "part de ce démarrage rapide. Les constructeurs y expédient désormais "
                "des véhicules finis vers l’Europe du Nord sans passer par les grands "
                "ports du détroit, ce qui raccourcit leurs délais de deux jours.",
            ),
            ("h", "L’agroalimentaire, relais inattendu"),
            (
                "p",
                "Plus surprenant, les exportateurs d’agrumes et de petits fruits du "
                "Gharb ont adopté le terminal frigorifique plus vite que prévu. Ils "
                "représentent déjà un cinquième des volumes sortants entre novembre "
                "et avril.",
            ),
            (
                "q",
                "Nous avons gagné une journée entière sur la chaîne du froid, et nos "
                "clients européens l’ont remarqué dès la première saison.",
                "Rachid Ouazzani, directeur d’une coopérative fruitière "
                "de Sidi Slimane",
            ),
            ("h", "Les routes d’accès, point faible"),
            (
                "p",
                "Le tableau n’est pas sans ombre. Les transporteurs se plaignent de "
                "files d’attente à l’entrée du port aux heures de pointe, faute d’une "
                "voie dédiée aux poids lourds. Les travaux de la bretelle promise "
                "n’ont commencé qu’en septembre.",
            ),
            (
                "p",
                "La direction assure que la deuxième phase, prévue pour 2028, "
                "doublera la longueur de quai. Elle n’a pas encore communiqué le "
                "montant de l’investissement.",
            ),
        ),
    ),
    ArticleText(
        section="economie",
        slug="tpe-acces-au-credit-garantie-publique",
        kicker="Financement",
        title="Crédit aux TPE : la garantie publique fait sauter le premier verrou",
        standfirst=(
            "Les très petites entreprises obtiennent plus facilement un premier "
            "prêt depuis l’élargissement du fonds de garantie, mais les taux "
            "restent un frein pour les artisans."
        ),
        authors=("salma-bennani", "karim-tazi"),
        tags=("PME", "banques", "emploi"),
        hours_ago=20,
        credit="Photo DR",
        body=(
            (
                "p",
                "À Fès, Meryem tient un atelier de maroquinerie de six salariés. Il "
                "y a deux ans, trois banques lui avaient refusé un prêt pour une "
                "machine à coudre industrielle. Cette année, le dossier est passé "
                "en trois semaines.",
            ),
            (
                "p",
                "Son cas n’est pas isolé. Le nombre de prêts garantis accordés à des "
                "entreprises de moins de dix salariés a progressé de près d’un tiers "
                "sur les neuf premiers mois, d’après les chiffres communiqués par le "
                "fonds.",
            ),
            ("h", "Des banques moins frileuses"),
            (
                "p",
                "La garantie couvre désormais jusqu’à 80 % du montant emprunté pour "
                "les premiers crédits. Pour les agences, le risque résiduel devient "
                "acceptable, même sans bilan comptable de plusieurs années.",
            ),
            (
                "q",
                "Le vrai changement, c’est que le conseiller ne regarde plus seulement "
                "les garanties personnelles : il regarde le carnet de commandes.",
                "Un directeur d’agence bancaire à Meknès",
            ),
            ("h", "Le coût du crédit reste élevé"),
            (
                "p",
                "Les artisans interrogés jugent pourtant les taux dissuasifs pour les "
                "petits montants. Les frais de dossier pèsent lourd sur un prêt de "
                "50 000 dirhams, et beaucoup préfèrent encore les avances de "
                "fournisseurs ou la famille.",
            ),
        ),
    ),
    ArticleText(
        section="economie",
        slug="saison-olive-prix-huile-marches",
        kicker="Agriculture",
        title="Huile d’olive : une récolte correcte mais des prix qui ne baissent pas",
        standfirst=(
            "Les pluies d’automne ont sauvé la saison dans le Saïss et le Haouz. "
            "Les ménages espéraient une détente des prix ; les moulins tempèrent."
        ),
        authors=("karim-tazi",),
        tags=("agriculture", "prix", "consommation"),
        hours_ago=44,
        credit="Illustration Manchette",
        body=(
            (
                "p",
                "Les bâches sont de retour sous les oliviers. Après deux saisons "
                "sèches, les producteurs du Saïss annoncent une récolte proche de la "
                "moyenne décennale, grâce aux pluies tombées en octobre.",
            ),
            (
                "p",
                "Sur les souks de Meknès, le litre d’huile se négocie pourtant encore "
                "autour de 90 dirhams. Les moulins expliquent avoir dû reconstituer "
                "des stocks vidés par les années de pénurie.",
            ),
            ("h", "Des coûts de production en hausse"),
            (
                "p",
                "Main-d’œuvre, transport, énergie pour les moulins modernes : tous les "
                "postes ont augmenté. Les producteurs disent vendre à peine au-dessus "
                "de leur prix de revient.",
            ),
            (
                "q",
                "On a de l’huile cette année, mais on sort de deux hivers où l’on a "
                "vendu nos bêtes pour payer les ouvriers.",
                "Abdelaziz, oléiculteur près d’El Hajeb",
            ),
            (
                "p",
                "Les associations de consommateurs demandent un suivi plus fin des "
                "marges de la distribution. Le ministère promet un observatoire des "
                "prix des produits de base d’ici le printemps.",
            ),
        ),
    ),
    ArticleText(
        section="tech",
        slug="administration-numerique-guichet-unique-mobile",
        kicker="Services publics",
        title=(
            "Démarches en ligne : le guichet unique "
            "mobile passe le cap du million d’utilisateurs"
        ),
        standfirst=(
            "Carte grise, extrait d’acte de naissance, rendez-vous consulaire : "
            "l’application publique gagne du terrain, mais l’accessibilité reste à "
            "parfaire."
        ),
        authors=("youssef-alaoui",),
        tags=("administration", "numérique", "applications"),
        hours_ago=3,
        credit="Photo DR",
        body=(
            (
                "p",
                "Lancée il y a dix-huit mois, l’application qui regroupe une trentaine "
                "de démarches administratives a franchi la barre du million de comptes "
                "actifs, selon l’agence chargée du numérique public.",
            ),
            (
                "p",
                "Les demandes d’actes d’état civil arrivent largement en tête. Elles "
                "sont désormais délivrées sous forme de document signé "
                "électroniquement, accepté par la plupart des administrations.",
            ),
            ("h", "Les zones rurales en retard"),
            (
                "p",
                "La carte des usagers reste très urbaine. Dans les communes rurales, "
                "la couverture mobile et l’absence d’adresse normalisée compliquent "
                "encore la livraison des documents physiques.",
            ),
            (
                "q",
                "Une démarche dématérialisée qui oblige à revenir au guichet pour un "
                "tampon, ce n’est qu’une demi-réforme.",
                "Imane Chraibi, chercheuse en politiques numériques",
            ),
            ("h", "L’arabe et l’amazighe attendus"),
            (
                "p",
                "Les associations d’usagers réclament une interface complète en "
                "amazighe et une meilleure compatibilité avec les lecteurs d’écran. "
                "L’agence annonce une mise à jour dans ce sens pour le premier "
                "semestre.",
            ),
        ),
    ),
    ArticleText(
        section="tech",
        slug="startups-rabat-levee-fonds-agritech",
        kicker="Start-up",
        title=(
            "Une agritech de Rabat lève 40 "
            "millions de dirhams pour ses capteurs d’irrigation"
        ),
        standfirst=(
            "La jeune pousse, qui mesure l’humidité des sols pour quelque 2 000 "
            "exploitations, veut s’étendre au Sénégal et en Côte d’Ivoire."
        ),
        authors=("youssef-alaoui",),
        tags=("start-up", "agriculture", "eau"),
        hours_ago=30,
        credit="Illustration Manchette",
        body=(
            (
                "p",
                "Fondée en 2021 par trois ingénieurs agronomes, la société fictive "
                "Saqya Labs installe des capteurs enterrés qui indiquent aux "
                "agriculteurs, par SMS, quand et combien arroser.",
            ),
            (
                "p",
                "Le tour de table réunit un fonds d’investissement casablancais et "
                "deux investisseurs d’Afrique de l’Ouest. La somme doit financer une "
                "usine d’assemblage à Salé et l’ouverture de bureaux à Dakar.",
            ),
            ("h", "Un quart d’eau en moins"),
            (
                "p",
                "Sur les parcelles équipées, l’entreprise affirme réduire la "
                "consommation d’eau d’environ 25 % sans perte de rendement. Ces "
                "chiffres proviennent de ses propres mesures et n’ont pas encore été "
                "vérifiés par un organisme indépendant.",
            ),
            (
                "q",
                "Dans une année de sécheresse, chaque mètre cube qu’on n’utilise pas "
                "est un mètre cube qui reste dans la nappe.",
                "Omar Lahlou, cofondateur de Saqya Labs",
            ),
            (
                "p",
                "Le défi, reconnaît la direction, sera de maintenir un prix "
                "d’abonnement accessible aux petites exploitations, qui forment "
                "l’essentiel de sa clientèle.",
            ),
        ),
    ),
    ArticleText(
        section="tech",
        slug="centres-de-donnees-energie-solaire",
        kicker="Infrastructures",
        title="Centres de données : le pari de l’énergie solaire dans l’Oriental",
        standfirst=(
            "Deux projets de centres de données adossés à des fermes solaires "
            "visent les clients européens en quête d’hébergement bas carbone."
        ),
        authors=("youssef-alaoui", "nadia-el-idrissi"),
        tags=("cloud", "énergie", "Oriental"),
        hours_ago=70,
        credit="Photo DR",
        body=(
            (
                "p",
                "Au sud d’Oujda, les premiers bâtiments sortent de terre à côté "
                "d’une centrale photovoltaïque en cours d’extension. Le promoteur "
                "promet une mise en service partielle dans dix-huit mois.",
            ),
            (
                "p",
                "L’argument commercial est simple : une électricité verte et bon "
                "marché, une liaison par câble sous-marin vers l’Europe, et des "
                "terrains disponibles à grande échelle.",
            ),
            ("h", "La question de l’eau"),
            (
                "p",
                "Le refroidissement des serveurs inquiète les agriculteurs voisins. "
                "Les porteurs du projet assurent utiliser un système à circuit fermé "
                "et des eaux usées traitées, sans prélèvement dans la nappe.",
            ),
            (
                "q",
                "On nous a promis zéro goutte d’eau potable. Nous demanderons à voir "
                "les compteurs.",
                "Un élu de la commune rurale concernée",
            ),
            (
                "p",
                "Les autorités régionales espèrent quelques centaines d’emplois "
                "qualifiés. Les syndicats rappellent qu’un centre de données, une "
                "fois construit, emploie peu de monde.",
            ),
        ),
    ),
    ArticleText(
        section="maghreb",
        slug="train-oujda-tlemcen-reouverture-etude",
        kicker="Transports",
        title="Une étude relance l’idée d’un train entre Oujda et Tlemcen",
        standfirst=(
            "Un cabinet mandaté par des chambres de commerce des deux côtés de la "
            "frontière chiffre les retombées d’une réouverture de la ligne."
        ),
        authors=("nadia-el-idrissi",),
        tags=("Maghreb", "transport", "frontières"),
        hours_ago=10,
        credit="Illustration Manchette",
        body=(
            (
                "p",
                "La voie existe encore, envahie par les herbes sur plusieurs "
                "kilomètres. Une étude présentée cette semaine estime qu’une remise "
                "en service coûterait moins qu’une autoroute neuve.",
            ),
            (
                "p",
                "Le document chiffre à plusieurs milliers le nombre de voyageurs "
                "quotidiens potentiels, principalement des familles séparées par la "
                "frontière et des commerçants.",
            ),
            ("h", "Un projet suspendu à la politique"),
            (
                "p",
                "Les auteurs de l’étude reconnaissent que la décision n’est pas "
                "technique. La frontière terrestre reste fermée et aucun calendrier "
                "de discussion n’a été annoncé.",
            ),
            (
                "q",
                "Nous avons fait notre part : montrer que les chiffres tiennent. Le "
                "reste appartient aux gouvernements.",
                "Le coordinateur de l’étude",
            ),
            (
                "p",
                "À Oujda, l’annonce a suscité plus de curiosité que d’espoir. Sur la "
                "place du marché, beaucoup se souviennent encore des trains bondés "
                "des années quatre-vingt.",
            ),
        ),
    ),
    ArticleText(
        section="maghreb",
        slug="tunisie-mauritanie-echanges-universitaires",
        kicker="Éducation",
        title="Les universités maghrébines multiplient les doubles diplômes",
        standfirst=(
            "Rabat, Tunis et Nouakchott signent de nouvelles conventions pour "
            "faire circuler étudiants et enseignants, malgré des visas encore "
            "lents à obtenir."
        ),
        authors=("nadia-el-idrissi", "karim-tazi"),
        tags=("universités", "Tunisie", "Mauritanie"),
        hours_ago=52,
        credit="Photo DR",
        body=(
            (
                "p",
                "Une quinzaine d’établissements ont signé en octobre une charte "
                "commune pour reconnaître les semestres passés dans une université "
                "partenaire de la région.",
            ),
            (
                "p",
                "Les formations d’ingénieurs et de médecine sont les premières "
                "concernées. Les étudiants pourront valider une année à l’étranger "
                "sans allonger leur cursus.",
            ),
            ("h", "Le visa, premier obstacle"),
            (
                "p",
                "Sur le terrain, les délais administratifs découragent encore "
                "beaucoup de candidats. Certains ont reçu leur autorisation de "
                "séjour après la rentrée.",
            ),
            (
                "q",
                "J’ai suivi mes deux premières semaines de cours à distance, depuis "
                "ma chambre à Nouakchott.",
                "Aïcha, étudiante en génie civil à Rabat",
            ),
            (
                "p",
                "Les présidents d’université demandent un visa étudiant régional "
                "simplifié. La proposition doit être portée lors de la prochaine "
                "réunion des ministres de l’Enseignement supérieur.",
            ),
        ),
    ),
)

ARTICLES_AR = (
    ArticleText(
        section="economie",
        slug="souq-al-jumla-casablanca-rakmana",
        kicker="تجارة",
        title="سوق الجملة الجديد بالدار البيضاء يعد بخفض أسعار الخضر",
        standfirst=(
            "بعد سنوات من الانتظار، يفتح السوق الجديد أبوابه للتجار مع نظام رقمي "
            "لتتبع الأسعار والكميات."
        ),
        authors=("hind-berrada",),
        tags=("أسعار", "تجارة"),
        hours_ago=6,
        credit="Illustration Manchette",
        body=(
            (
                "p",
                "انتقل أول التجار هذا الأسبوع إلى المربعات الجديدة لسوق الجملة في "
                "ضواحي الدار البيضاء، بعد أن ظل السوق القديم مكتظا لسنوات.",
            ),
            (
                "p",
                "وتعتمد الإدارة نظاما رقميا يسجل كل شحنة عند دخولها، مع نشر متوسط "
                "الأسعار اليومية على لوحات في مدخل السوق.",
            ),
            ("h", "الوسطاء في قلب النقاش"),
            (
                "p",
                "يرى الفلاحون أن كثرة الوسطاء ترفع الأسعار على المستهلك دون أن "
                "تعود بالنفع على المنتج، ويأملون أن يحد النظام الجديد من ذلك.",
            ),
            (
                "q",
                "إذا عرف الجميع السعر الحقيقي في الصباح، فلن يستطيع أحد أن يضاعفه "
                "في المساء.",
                "فلاح من منطقة الشاوية",
            ),
            (
                "p",
                "أما تجار التقسيط فيطالبون بوسائل نقل منظمة بين السوق والأحياء، "
                "لأن كلفة النقل تمثل جزءا مهما من الثمن النهائي.",
            ),
        ),
    ),
    ArticleText(
        section="tech",
        slug="madaris-raqmiya-ta3lim-barmaja",
        kicker="تعليم",
        title="نوادي البرمجة تنتشر في المدارس العمومية",
        standfirst=(
            "مبادرة يقودها أساتذة متطوعون تتيح لتلاميذ الإعدادي تعلم أساسيات "
            "البرمجة، رغم نقص الحواسيب."
        ),
        authors=("hind-berrada",),
        tags=("تعليم", "برمجة"),
        hours_ago=26,
        credit="Photo DR",
        body=(
            (
                "p",
                "في إعدادية بحي شعبي بمدينة سلا، يجتمع عشرون تلميذا كل يوم أربعاء "
                "حول ثمانية حواسيب قديمة لتعلم البرمجة.",
            ),
            (
                "p",
                "بدأت الفكرة بمبادرة من أستاذ للرياضيات، ثم انضم إليه زملاء من "
                "مؤسسات أخرى، حتى صار النادي شبكة تضم أكثر من ثلاثين مدرسة.",
            ),
            ("h", "حواسيب قليلة وحماس كبير"),
            (
                "p",
                "يتناوب التلاميذ على الأجهزة، ويكتب بعضهم البرامج على الورق قبل "
                "تجربتها، وهي طريقة يقول الأساتذة إنها تعلم التفكير المنظم.",
            ),
            (
                "q",
                "لا نبحث عن صناعة مبرمجين في سنة واحدة، بل عن تلاميذ لا يخافون من "
                "الآلة.",
                "أستاذ مشرف على النادي",
            ),
            (
                "p",
                "وتطالب الشبكة بدعم من المديريات الإقليمية لتجهيز القاعات، وبإدراج "
                "الأنشطة ضمن الحصص الرسمية.",
            ),
        ),
    ),
)

STANDARD_PAGES_FR = (
    (
        "a-propos",
        "À propos",
        "Manchette est un site d’information de démonstration.",
        (
            "Manchette publie chaque jour l’actualité économique, technologique "
            "et régionale du Maroc et du Maghreb, en français et en arabe.",
            "Les articles de ce site de démonstration sont fictifs : personnes, "
            "entreprises et chiffres ont été inventés pour illustrer la plateforme.",
        ),
    ),
    (
        "mentions-legales",
        "Mentions légales",
        "Éditeur, hébergement et données personnelles.",
        (
            "Ce site est une démonstration locale. Aucune donnée n’est transmise à "
            "des tiers ; les commentaires sont modérés sur le serveur.",
        ),
    ),
)

STANDARD_PAGES_AR = (
    (
        "man-nahnu",
        "من نحن",
        "مانشيت موقع إخباري تجريبي.",
        (
            "ينشر مانشيت أخبار الاقتصاد والتكنولوجيا والمنطقة المغاربية بالعربية "
            "والفرنسية.",
            "مقالات هذا الموقع التجريبي خيالية، والأسماء والأرقام من وحي الخيال.",
        ),
    ),
)

HOUSE_AD_HTML = (
    '<div class="house-ad"><p><strong>Manchette Matin</strong></p>'
    "<p>L’essentiel de l’actualité chaque matin à 7 h, dans votre boîte mail.</p>"
    '<p><a href="/a-propos/">Découvrir la lettre</a></p></div>'
)
SIDEBAR_AD_HTML = (
    '<div class="house-ad house-ad--tall"><p><strong>Annoncez sur Manchette</strong>'
    "</p><p>Touchez les lecteurs de l’économie et de la tech au Maghreb.</p>"
    '<p><a href="mailto:pub@example.org">pub@example.org</a></p></div>'
)
