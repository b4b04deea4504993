"""A Moscow-run, Russian-language network: invented, unlike the PRC one in every parameter.

It calibrates to no release. It exists so that the posting-rhythm and
narratives analyses are tested on another time zone (UTC+3), holiday calendar
(RU, with its New Year week), office day (10:00-19:00, lunch at 13:00), script
(Cyrillic, where case folding matters: #НАТО and #нато) and scale. The texts
are short invented sentences in the register of the narratives of such networks.
"""

from __future__ import annotations

from ioreport.synthetic.preset import (
    AccountsPreset,
    ActivityPreset,
    ContentPreset,
    NetworkPreset,
    Script,
    Topic,
)

RUSSIAN, ENGLISH = "ru", "en"

SCRIPTS = (
    Script(RUSSIAN, "ru", 0.82, (("ru", 0.7), ("RU", 0.2), ("ru-RU", 0.1)), " "),
    Script(ENGLISH, "en", 0.18, (("en", 0.75), ("en-gb", 0.1), ("EN", 0.15)), " "),
)

UKRAINE = Topic(
    name="ukraine",
    phrases={
        RUSSIAN: (
            "Киевский режим снова обстреливает мирные кварталы Донбасса.",
            "Украина давно живёт под внешним управлением Запада.",
            "Жители Донбасса хотят только мира.",
            "Провокация в Керченском проливе была спланирована в Киеве.",
            "Киев саботирует Минские соглашения.",
            "Порошенко готов на всё ради рейтинга.",
            "Новый президент Украины ничего не изменит.",
            "Крым сделал свой выбор в 2014 году.",
            "Украинские националисты переписывают историю.",
        ),
        ENGLISH: (
            "Kiev keeps shelling civilians in Donbass.",
            "The Kerch Strait incident was a provocation planned in Kiev.",
            "Ukraine is run from abroad, not from Kiev.",
            "Crimea made its choice in 2014.",
            "Kiev is sabotaging the Minsk agreements.",
        ),
    },
    hashtags=("Украина", "Донбасс", "Киев", "украина", "Ukraine", "Крым"),
    # The week after the Kerch Strait incident (25 November 2018), then Ukraine's presidential election.
    intensity=(
        ("2018-06-01", 3.0),
        ("2018-11-23", 3.0),
        ("2018-11-26", 16.0),
        ("2018-11-30", 16.0),
        ("2018-12-03", 3.0),
        ("2019-04-21", 6.0),
        ("2019-05-20", 3.0),
        ("2020-03-31", 2.0),
    ),
)

NATO = Topic(
    name="nato",
    phrases={
        RUSSIAN: (
            "НАТО снова подбирается к границам России.",
            "Очередные военные учения НАТО у наших границ — это провокация.",
            "Вашингтон использует альянс, чтобы давить на Европу.",
            "Зачем Прибалтике американские танки?",
            "Альянс тратит миллиарды на войну, а не на людей.",
            "Расширение НАТО на восток было ошибкой Запада.",
            "Североатлантический альянс ищет себе врага, чтобы оправдать своё существование.",
        ),
        ENGLISH: (
            "NATO keeps moving closer to Russia's borders.",
            "Another NATO exercise, another provocation.",
            "Europe is tired of paying for NATO's military ambitions.",
            "NATO expansion was a mistake from the start.",
        ),
    },
    hashtags=("НАТО", "нато", "NATO", "учения", "альянс"),
    # The week of the alliance's 70th-anniversary summit in London (3-4 December 2019).
    intensity=(
        ("2018-06-01", 1.5),
        ("2019-11-29", 1.5),
        ("2019-12-02", 12.0),
        ("2019-12-06", 12.0),
        ("2019-12-09", 1.5),
        ("2020-02-15", 2.5),
        ("2020-03-31", 1.0),
    ),
)

ELECTIONS = Topic(
    name="elections",
    phrases={
        RUSSIAN: (
            "Навальный опять выводит школьников на улицы.",
            "Несогласованные митинги — это не демократия.",
            "Выборы в Мосгордуму прошли честно и спокойно.",
            "Кто оплачивает протесты в Москве?",
            "Москвичи голосуют за порядок, а не за хаос.",
            "Оппозиция живёт на западные гранты.",
            "Поправки в Конституцию поддерживает большинство.",
        ),
        ENGLISH: (
            "Navalny's protests are paid for from abroad.",
            "Moscow voted for stability, not chaos.",
            "Unsanctioned rallies are not democracy.",
            "The opposition lives on Western grants.",
        ),
    },
    hashtags=("выборы", "Навальный", "Выборы", "Мосгордума", "митинг"),
    # The September 2018 regional elections, the summer 2019 protests up to the Moscow
    # City Duma election (8 September 2019), then the constitutional amendments.
    intensity=(
        ("2018-06-01", 0.5),
        ("2018-09-09", 3.0),
        ("2018-09-25", 0.8),
        ("2019-07-10", 1.0),
        ("2019-07-27", 4.0),
        ("2019-08-30", 4.0),
        ("2019-09-02", 12.0),
        ("2019-09-06", 12.0),
        ("2019-09-09", 3.0),
        ("2019-09-20", 1.5),
        ("2020-01-15", 1.5),
        ("2020-03-10", 4.0),
        ("2020-03-31", 2.5),
    ),
)

COVID = Topic(
    name="covid",
    phrases={
        RUSSIAN: (
            "Коронавирус пришёл к нам из-за границы.",
            "Россия вовремя закрыла границы и сдерживает пандемию.",
            "Западные СМИ сеют панику вокруг коронавируса.",
            "Оставайтесь дома и берегите близких во время карантина.",
            "В Америке пандемия вышла из-под контроля.",
            "Россия отправила врачей и помощь в Италию, чтобы бороться с вирусом.",
            "Карантин — не повод для паники.",
        ),
        ENGLISH: (
            "Russia closed its borders in time to slow the pandemic.",
            "Western media are spreading panic about the coronavirus.",
            "Russia is sending doctors to Italy to fight the virus.",
            "America has lost control of the pandemic.",
        ),
    },
    hashtags=("коронавирус", "COVID19", "Коронавирус", "пандемия", "карантин"),
    # Nothing before late January 2020; rising through March, most from the week of 23 March.
    intensity=(
        ("2020-01-20", 0.0),
        ("2020-02-01", 1.0),
        ("2020-03-01", 3.0),
        ("2020-03-20", 8.0),
        ("2020-03-23", 16.0),
        ("2020-03-31", 16.0),
    ),
)

SYRIA = Topic(
    name="syria",
    phrases={
        RUSSIAN: (
            "Россия помогает Сирии победить терроризм.",
            "Законное правительство Асада восстанавливает страну.",
            "Белые каски снова снимают постановочные видео.",
            "Анкара должна уважать суверенитет Сирии.",
            "Боевики в Идлибе нарушают перемирие.",
            "Американские войска находятся в Сирии незаконно.",
        ),
        ENGLISH: (
            "Russia is helping Syria defeat terrorism.",
            "The White Helmets staged another video.",
            "US troops are in Syria illegally.",
            "Militants in Idlib keep breaking the ceasefire.",
        ),
    },
    hashtags=("Сирия", "Асад", "Syria", "сирия", "Идлиб"),
    # The Idlib deal of September 2018, the week after Turkey's offensive (October 2019),
    # the Idlib ceasefire.
    intensity=(
        ("2018-06-01", 2.0),
        ("2018-09-17", 4.0),
        ("2018-10-01", 2.0),
        ("2019-10-11", 2.0),
        ("2019-10-14", 11.0),
        ("2019-10-18", 11.0),
        ("2019-10-21", 2.0),
        ("2020-02-20", 4.0),
        ("2020-03-05", 5.0),
        ("2020-03-20", 1.5),
    ),
)

OTHER = Topic(
    name="other",
    phrases={
        RUSSIAN: (
            "Доброе утро, друзья!",
            "Хорошего всем дня.",
            "Сегодня снова дождь.",
            "Какая красивая осень в этом году.",
            "Всем отличных выходных!",
            "Чай с лимоном — лучшее средство от хандры.",
            "Кто смотрел вчерашний матч?",
        ),
        ENGLISH: (
            "Good morning, friends!",
            "Have a great weekend!",
            "Rainy day again.",
        ),
    },
    hashtags=("доброеутро", "погода", "Москва"),
    hashtag_share=0.2,
    intensity=(("2018-06-01", 4.0), ("2020-03-31", 4.0)),
)

RU = NetworkPreset(
    name="ru",
    dataset_name="synthetic_ru",
    timezone="Europe/Moscow",
    holiday_country="RU",
    first_day="2018-06-01",
    last_day="2020-03-31",
    accounts=1_200,
    tweets=60_000,
    population=AccountsPreset(
        old_share=0.2,
        old_created=("2010-03-01", "2017-12-31"),
        old_start_tweeting_by="2018-12-31",
        early_share=0.08,
        early_created=("2018-04-02", "2018-05-31"),
        background_created=("2018-06-01", "2020-03-15"),
        background_surge=("2019-07-15", "2019-08-31", 3.0),
        creation_batches=(
            ("2018-07-17", 110),
            ("2019-07-23", 95),
            ("2018-11-27", 85),
            ("2019-02-12", 70),
            ("2019-08-20", 60),
            ("2018-09-04", 50),
            ("2019-10-15", 42),
            ("2020-01-28", 35),
        ),
        first_tweet_lag_days=5.0,
        zero_follower_share=0.42,
        under_8_follower_share=0.7,
        high_follower_accounts=15,
        high_followers=(5_000, 60_000),
        bio_share=0.45,
        location_share=0.35,
        profile_url_share=0.08,
        clients_new=(
            ("Twitter for Android", 0.4),
            ("Twitter Web App", 0.35),
            ("TweetDeck", 0.15),
            ("Twitter for iPhone", 0.1),
        ),
        clients_old=(
            ("Twitter Web Client", 0.5),
            ("TweetDeck", 0.25),
            ("IFTTT", 0.15),
            ("Twitter for Android", 0.1),
        ),
        # Transliterated, and surnames that do not change with gender.
        given_names=(
            "Anna",
            "Dmitry",
            "Olga",
            "Sergey",
            "Elena",
            "Alexey",
            "Irina",
            "Maxim",
            "Natalia",
            "Pavel",
        ),
        surnames=(
            "Kovalenko",
            "Sedykh",
            "Belykh",
            "Chernykh",
            "Moroz",
            "Levchenko",
            "Kravets",
            "Shevchuk",
            "Marchenko",
            "Dolgikh",
        ),
        bios={
            RUSSIAN: (
                "Люблю Россию.",
                "Обычный человек, говорю что думаю.",
                "Правда важнее всего.",
                "Москва — мой дом.",
                "Журналист-любитель. Мнения — мои.",
            ),
            ENGLISH: ("Proud Russian.", "Truth matters.", "Independent journalist. Opinions my own."),
        },
        locations=(
            "Москва",
            "Moscow",
            "Россия",
            "Санкт-Петербург",
            "Донецк",
            "Russia",
            "USA",
            "Berlin, Germany",
        ),
    ),
    activity=ActivityPreset(
        # Moscow office hours: 10:00-19:00 with a lunch dip at 13:00, a longer evening tail.
        weekday_hours=(
            0.3,
            0.2,
            0.15,
            0.1,
            0.1,
            0.1,
            0.2,
            0.5,
            1.2,
            3.0,
            10.0,
            12.0,
            12.5,
            4.5,
            11.0,
            12.0,
            11.5,
            10.5,
            9.0,
            3.5,
            2.0,
            1.8,
            1.2,
            0.6,
        ),  # fmt: skip
        office_hours=(10, 19),
        weekend_factor=0.12,
        holiday_factor=0.1,
        volume=(
            ("2018-06-01", 0.6),
            ("2018-11-25", 1.0),
            ("2019-03-01", 0.8),
            ("2019-08-01", 1.2),
            ("2019-09-08", 1.4),
            ("2019-12-01", 1.0),
            ("2020-03-31", 1.6),
        ),
    ),
    content=ContentPreset(
        scripts=SCRIPTS,
        topics=(UKRAINE, NATO, ELECTIONS, COVID, SYRIA, OTHER),
        untagged_topic="other",
        tails=("", "", "", "", "!", "!!!", ")))", "👍", "😡", "🇷🇺", "…"),
        url_domains=("youtu.be", "bit.ly", "vk.cc", "t.me", "ok.ru"),
        geotag_center=(55.7558, 37.6173),  # Moscow
        poll_choices=("За", "Против"),
    ),
    retweet_share=0.45,
    reply_share=0.12,
    quote_share=0.04,
    blank_retweet_userid_share=0.02,
    external_accounts=400,
    zero_follower_like_outliers=30,
    zero_follower_retweet_outliers=6,
    geotagged_tweets=5,
    poll_tweets=3,
    script_loyalty=0.9,
    client_loyalty=0.9,
)
