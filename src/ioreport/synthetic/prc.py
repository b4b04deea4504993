"""The PRC network of the June 2020 takedown (china_052020), as published.

Sizes, period, follower shares and engagement outliers follow Stanford
Internet Observatory and ASPI (shared/reference/published_findings.md); the
texts are short invented sentences in the register of the network's narratives.
"""

from __future__ import annotations

from ioreport.synthetic.preset import (
    AccountsPreset,
    ActivityPreset,
    ContentPreset,
    NetworkPreset,
    RepurposingPreset,
    Script,
    Topic,
)

HANS, HANT, EN = "zh_hans", "zh_hant", "en"

SCRIPTS = (
    Script(HANS, "zh", 0.78, (("zh-cn", 0.55), ("zh-CN", 0.35), ("zh", 0.10)), ""),
    Script(HANT, "zh", 0.08, (("zh-tw", 0.5), ("zh-TW", 0.3), ("zh-hk", 0.2)), ""),
    Script(EN, "en", 0.14, (("en", 0.8), ("en-gb", 0.1), ("EN", 0.1)), " "),
)

HONG_KONG = Topic(
    name="hong_kong",
    phrases={
        HANS: (
            "香港暴徒破坏社会秩序，必须依法严惩。",
            "止暴制乱是香港当前最紧迫的任务。",
            "支持香港警察严正执法！",
            "乱港分子勾结外部势力，罪责难逃。",
            "香港是中国的香港，外国势力无权干涉。",
            "黑衣暴徒到处纵火，市民苦不堪言。",
            "香港市民渴望恢复和平与安宁。",
            '所谓的"民主斗士"不过是街头暴徒。',
            "反对暴力，守护香港。",
            "一国两制不容挑战。",
        ),
        HANT: (
            "香港暴徒破壞社會秩序，必須依法嚴懲。",
            "支持香港警察嚴正執法！",
            "香港是中國的香港，外國勢力無權干涉。",
            "香港市民渴望恢復和平與安寧。",
            "反對暴力，守護香港。",
            "止暴制亂，刻不容緩。",
        ),
        EN: (
            "Rioters in Hong Kong are destroying the city's rule of law.",
            "Support the Hong Kong police in restoring order.",
            "Foreign forces must stop meddling in Hong Kong affairs.",
            'The so-called "pro-democracy" protesters are violent rioters.',
            "Hong Kong people want peace, not chaos.",
            "One country, two systems will not be shaken.",
        ),
    },
    hashtags=("香港", "HongKong", "止暴制乱", "守护香港", "StandWithHKPolice", "反暴力"),
    intensity=(
        ("2018-01-01", 0.2),
        ("2019-04-01", 0.5),
        ("2019-06-15", 8.0),
        ("2019-11-20", 10.0),
        ("2020-01-01", 3.0),
        ("2020-02-15", 1.0),
        ("2020-04-17", 0.8),
    ),
)

COVID19 = Topic(
    name="covid19",
    phrases={
        HANS: (
            "中国抗击新冠肺炎疫情取得积极成效。",
            "武汉加油！中国加油！",
            "中国为世界抗疫争取了宝贵时间。",
            "某些西方政客借疫情污名化中国。",
            "病毒没有国界，团结合作才能战胜疫情。",
            "美国应公开疫情真相，回应国际关切。",
            "感谢奋战在一线的医护人员！",
            "新冠病毒溯源应尊重科学。",
            "中国向多国派出医疗专家组，援助抗疫物资。",
        ),
        HANT: (
            "武漢加油！中國加油！",
            "中國抗擊新冠肺炎疫情取得積極成效。",
            "病毒沒有國界，團結合作才能戰勝疫情。",
            "某些西方政客借疫情污名化中國。",
            "感謝奮戰在一線的醫護人員！",
        ),
        EN: (
            "China bought the world precious time to fight the coronavirus.",
            "Stop politicizing the virus: solidarity is the only way.",
            "The US should be transparent about its own outbreak.",
            "Thanks to the medical workers on the front line in Wuhan.",
            'Calling it the "China virus" is racist and unscientific.',
            "China is sending medical teams and supplies around the world.",
        ),
    },
    hashtags=("新冠肺炎", "COVID19", "武汉加油", "抗击疫情", "coronavirus", "中国加油"),
    # Nothing before late January 2020; the peak falls in late March.
    intensity=(
        ("2020-01-19", 0.0),
        ("2020-01-22", 0.8),
        ("2020-02-15", 3.0),
        ("2020-03-24", 10.0),
        ("2020-04-17", 5.0),
    ),
)

GUO_WENGUI = Topic(
    name="guo_wengui",
    phrases={
        HANS: (
            "郭文贵是个彻头彻尾的骗子。",
            "郭文贵的谎言终将被揭穿。",
            "郭文贵诈骗追随者的钱财，天理难容。",
            '不要再相信郭文贵的所谓"爆料"了。',
            "郭文贵与班农勾结，祸害海外华人。",
            "郭文贵的喜马拉雅就是一场骗局。",
            "逃犯郭文贵必将受到法律制裁。",
        ),
        HANT: (
            "郭文貴是個徹頭徹尾的騙子。",
            "郭文貴的謊言終將被揭穿。",
            "逃犯郭文貴必將受到法律制裁。",
            "不要再相信郭文貴的所謂爆料了。",
        ),
        EN: (
            "Guo Wengui is a fugitive and a fraud.",
            "Guo Wengui keeps lying to his followers for money.",
            'Guo Wengui\'s "revelations" are nothing but lies.',
            "Guo Wengui and Bannon deceive overseas Chinese.",
        ),
    },
    hashtags=("郭文贵", "郭文贵骗子", "GuoWengui", "郭骗子"),
    intensity=(
        ("2018-01-01", 6.0),
        ("2019-04-01", 6.0),
        ("2019-06-15", 3.0),
        ("2020-01-01", 3.0),
        ("2020-04-17", 2.0),
    ),
)

TAIWAN = Topic(
    name="taiwan",
    phrases={
        HANS: (
            "台湾是中国领土不可分割的一部分。",
            "民进党当局倒行逆施，台独没有出路。",
            "两岸同胞血浓于水。",
            '坚决反对任何形式的"台独"分裂活动。',
            "祖国统一是大势所趋。",
        ),
        HANT: (
            "台灣是中國領土不可分割的一部分。",
            "兩岸同胞血濃於水。",
            "台獨沒有出路，和平統一才是正道。",
            "民進黨當局只會欺騙台灣民眾。",
        ),
        EN: (
            "Taiwan is an inalienable part of China.",
            "Taiwan independence is a dead end.",
            "Compatriots on both sides of the Strait are one family.",
        ),
    },
    hashtags=("台湾", "Taiwan", "台独", "两岸一家亲"),
    # A bump around the January 2020 Taiwanese election.
    intensity=(
        ("2018-01-01", 0.5),
        ("2019-12-15", 1.0),
        ("2020-01-11", 2.5),
        ("2020-02-01", 0.7),
        ("2020-04-17", 0.7),
    ),
)

US_PROTESTS = Topic(
    name="us_protests",
    phrases={
        HANS: (
            "美国的人权问题触目惊心。",
            "美国街头抗议不断，所谓的民主灯塔黯然失色。",
            "美国政客双重标准，对本国暴力视而不见。",
            "美国种族歧视问题根深蒂固。",
            "美国枪支暴力泛滥，民众苦不堪言。",
        ),
        HANT: (
            "美國的人權問題觸目驚心。",
            "美國政客雙重標準，對本國暴力視而不見。",
            "美國種族歧視問題根深蒂固。",
        ),
        EN: (
            "America's human rights record is a disgrace.",
            "US politicians apply double standards to protests at home.",
            "Racism in the US runs deep.",
        ),
    },
    hashtags=("美国人权", "双重标准", "HumanRights"),
    intensity=(("2019-06-01", 0.1), ("2019-12-01", 0.5), ("2020-04-17", 1.0)),
)

OTHER = Topic(
    name="other",
    phrases={
        HANS: (
            "今天天气不错，出去走走。",
            "祝大家周末愉快！",
            "分享一首好听的歌。",
            "这家的面条真好吃。",
            "努力工作，认真生活。",
            "早安，新的一天开始了。",
            "春天来了，花都开了。",
            "读书使人进步。",
        ),
        HANT: (
            "今天天氣不錯，出去走走。",
            "祝大家週末愉快！",
            "早安，新的一天開始了。",
            "分享一首好聽的歌。",
        ),
        EN: (
            "Good morning everyone!",
            "What a beautiful day.",
            "Sharing a song I like.",
            "Have a nice weekend!",
        ),
    },
    hashtags=("生活", "早安", "美食"),
    hashtag_share=0.15,
    intensity=(("2018-01-01", 3.0), ("2020-04-17", 3.0)),
)

# ASPI (2019): accounts bought from spammers and marketers, which had tweeted in other languages from other
# apps, posted "test new owner" and the like (over 630 tweets), then Chinese from the Twitter Web Client
# once the Hong Kong work began.
REPURPOSING = RepurposingPreset(
    accounts=300,
    decoys=100,
    signal_shares=(
        ("language_switch", 0.85),
        ("dormant_reactivated", 0.8),
        ("client_switch", 0.8),
        ("test_tweets", 0.6),
    ),
    reactivation=("2019-06-01", "2019-09-30"),
    campaign_language="zh",
    campaign_script=HANS,
    campaign_client="Twitter Web Client",
    former_languages=(("en", 0.3), ("ja", 0.25), ("in", 0.2), ("es", 0.15), ("ko", 0.1)),
    former_clients=(
        ("Twitter for Android", 0.3),
        ("Twitter for iPhone", 0.2),
        ("twittbot.net", 0.15),
        ("IFTTT", 0.1),
        ("Hootsuite Inc.", 0.1),
        ("Buffer", 0.1),
        ("TweetDeck", 0.05),
    ),
    spam={
        "en": (
            "Get 1000 real followers in 24 hours, DM us",
            "Follow back 100%",
            "Win a free iPhone, retweet and follow to enter",
            "Earn $500 a day from home, no experience needed",
            "Hot singles near you tonight, click the link",
            "Best prices on sneakers, free shipping worldwide",
            "New video up now, check it out",
        ),
        "ja": (
            "フォロバ100％！相互フォロー募集中",
            "今すぐ無料登録でポイントゲット",
            "副業で月収50万円、詳しくはプロフへ",
            "プレゼント企画実施中！フォロー＆RTで応募",
            "新作動画アップしました",
            "限定セール開催中！",
        ),
        "in": (
            "Jual followers murah, hubungi kami",
            "Promo hari ini! Diskon 50%",
            "Follow balik ya kak",
            "Obat pelangsing alami, terbukti ampuh",
            "Cari jodoh? Klik di sini",
        ),
        "es": (
            "¡Gana dinero desde casa!",
            "Sígueme y te sigo",
            "Oferta especial solo hoy",
            "Nuevo video, no te lo pierdas",
            "Consigue seguidores gratis",
        ),
        "ko": (
            "맞팔 100% 선팔 환영",
            "오늘만 특가 세일",
            "무료 회원가입 이벤트 진행중",
            "새 영상 업로드 했어요",
        ),
        "zh": (
            "加微信领取优惠券",
            "低价出售粉丝，欢迎咨询",
            "兼职日结，在家就能赚钱",
            "美女直播，点击进入",
            "精品手表特价出售",
        ),
    },
    tests=(
        "test",
        "Test",
        "test new owner",
        "Test new owner",
        "new owner",
        "new own",
        "testing",
        "test test",
    ),
    test_language="en",
    everyday={
        "zh": ("早上好！", "今天吃了火锅", "周末去爬山", "下雨了，记得带伞", "晚安"),
        "en": (
            "Good morning!",
            "Coffee first.",
            "Lovely sunset tonight",
            "Back to work",
            "Happy Friday everyone",
        ),
    },
    test_in_sentence=(
        "Driving test tomorrow, wish me luck!",
        "Passed my English test today",
        "This weather is a real test of patience",
        "Anyone else have a math test on Monday?",
        "Just took a personality test, apparently I'm an introvert",
    ),
    bilingual=("zh", "en"),
)

PRC = NetworkPreset(
    name="prc",
    dataset_name="synthetic_prc",
    timezone="Asia/Shanghai",
    holiday_country="CN",
    first_day="2018-01-01",
    last_day="2020-04-17",
    accounts=23_750,
    tweets=348_608,
    population=AccountsPreset(
        old_share=0.10,
        old_created=("2009-01-01", "2018-06-30"),
        old_start_tweeting_by="2019-09-30",
        early_share=0.08,
        early_created=("2019-09-01", "2019-09-30"),
        background_created=("2019-10-01", "2020-04-05"),
        background_surge=("2020-01-18", "2020-01-31", 4.0),
        creation_batches=(
            ("2020-01-23", 900),
            ("2020-01-28", 820),
            ("2019-11-14", 750),
            ("2020-01-21", 690),
            ("2019-12-05", 630),
            ("2020-02-11", 580),
            ("2019-10-17", 530),
            ("2020-03-04", 480),
            ("2020-01-30", 440),
            ("2019-11-27", 400),
            ("2020-02-26", 360),
            ("2019-10-09", 330),
            ("2020-03-18", 300),
            ("2019-12-19", 270),
            ("2020-01-08", 240),
        ),
        first_tweet_lag_days=8.0,
        zero_follower_share=0.785,
        under_8_follower_share=0.95,
        high_follower_accounts=8,
        high_followers=(5_000, 20_000),
        bio_share=0.20,
        location_share=0.12,
        profile_url_share=0.03,
        clients_new=(("Twitter Web App", 0.5), ("Twitter for Android", 0.3), ("Twitter for iPhone", 0.2)),
        clients_old=(("Twitter Web Client", 0.6), ("Twitter for Android", 0.2), ("Twitter for iPhone", 0.2)),
        given_names=("Lucy", "David", "Grace", "Kevin", "Emma", "Jason", "Helen", "Tony", "Amy", "Leo"),
        surnames=("Chen", "Wang", "Li", "Zhang", "Liu", "Lin", "Huang", "Zhao", "Wu", "Zhou"),
        bios={
            HANS: ("热爱祖国，热爱生活。", "普通人，说真话。", "关注时事，理性发声。", "喜欢旅行和美食"),
            HANT: ("熱愛生活。", "關注時事，理性發聲。", "喜歡旅行和美食"),
            EN: ("Love peace. Love China.", "Just an ordinary person.", 'Say "no" to violence.'),
        },
        locations=("香港", "Hong Kong", "中国", "北京", "台湾", "United States", "New York, USA", "Canada"),
    ),
    activity=ActivityPreset(
        # Beijing office hours: 09:00-18:00 with a lunch dip at 12:00, a thin evening tail.
        weekday_hours=(
            0.2,
            0.2,
            0.2,
            0.2,
            0.2,
            0.2,
            0.2,
            0.6,
            3.0,
            10.0,
            12.5,
            11.5,
            4.0,
            9.0,
            12.0,
            11.5,
            10.5,
            9.0,
            3.0,
            1.5,
            1.5,
            1.2,
            0.6,
            0.3,
        ),  # fmt: skip
        office_hours=(9, 18),
        weekend_factor=0.07,
        holiday_factor=0.08,
        volume=(
            ("2018-01-01", 1.0),
            ("2019-03-31", 1.5),
            ("2019-06-15", 8.0),
            ("2019-09-15", 20.0),
            ("2019-11-20", 30.0),
            ("2019-12-31", 20.0),
            ("2020-01-22", 40.0),
            ("2020-03-24", 100.0),
            ("2020-04-17", 70.0),
        ),
    ),
    content=ContentPreset(
        scripts=SCRIPTS,
        topics=(HONG_KONG, COVID19, GUO_WENGUI, TAIWAN, US_PROTESTS, OTHER),
        untagged_topic="other",
        tails=("", "", "", "", "！", "!!", "👍", "🙏", "😡", "🇨🇳", "…"),
        url_domains=("youtu.be", "bit.ly", "ift.tt", "www.facebook.com"),
        geotag_center=(22.3193, 114.1694),  # Hong Kong
        poll_choices=("支持", "反对"),
    ),
    repurposing=REPURPOSING,
)
