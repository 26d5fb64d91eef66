"""Events in long posts in the voice of milbloggers, officials and OSINT threads, where most
talk of retreat is background, opinion, a plan, a question or a claim the post denies, and
at most one or two sentences report news (issue 9; ../shared/eval/README.md, "Events").
The posts are our own, written from the README's rules, not from the detector's output."""

from __future__ import annotations

import pytest

from bot.detect import Detector

W, C = "withdrawal", "capture"
A, D = "asserted", "denied"


def claims(detector: Detector, text: str, side: str) -> set[tuple]:
    return {(e.action, e.place, e.by, e.stance) for e in detector.detect(text, side).events}


# --- posts that talk of retreat and claim nothing ------------------------------------------------

NO_CLAIMS = [
    ("ru", "kherson-anniversary", """\
Сегодня ровно два года, как наши войска ушли из Херсона. Помню ту ночь: колонны шли через Антоновский мост, \
а на правом берегу оставались люди, которые нам верили.
Тогда это назвали «тяжёлым решением». Я до сих пор считаю, что сдача Херсона — это ошибка, за которую мы платим \
до сих пор.
Отступать больше некуда. Если мы ещё раз так «перегруппируемся», никакой фронт не устоит.
Пишите в комментариях, как вы запомнили тот ноябрь."""),
    ("ru", "no-right-to-retreat", """\
Читаю комментарии и не понимаю, откуда столько паники. Да, под Купянском тяжело. Да, наше отступление от Оскола \
осенью двадцать второго было позором, и я об этом писал тогда же.
Но сейчас другая армия. Отступать нам некуда, за нами Белгородчина. Кто требует «вывести войска и сохранить \
людей» — пусть сначала съездит на передок.
Россия не имеет права отступать. Точка."""),
    ("ru", "avdiivka-anniversary", """\
Годовщина. Ровно год назад противник был выбит из Авдеевки, а наши штурмовики подняли флаг над коксохимом. \
Вспоминаем пацанов, которые не дожили.
Сегодня с того же направления пишут ребята: идут тяжёлые бои за Покровск, продвижение есть, но медленное, \
каждый дом приходится брать с боем.
Кто хочет помочь — реквизиты в закрепе, отчёты о закупках выкладываем каждую неделю."""),
    ("ru", "new-word-for-retreat", """\
Опять «перегруппировка». Каждый раз, когда у нас что-то идёт не так, штабные придумывают новое слово. \
Сдача Херсона — «тяжёлое решение». Уход из-под Киева — «жест доброй воли». Что придумают в следующий раз?
Я не призываю ни к чему, я просто спрашиваю: кто ответит за людей, которых бросили на правом берегу? \
Кто ответит за Изюм?
Армия, которая отступает без объяснений, теряет доверие. Это аксиома."""),
    ("ru", "imagine-pokrovsk", """\
Давайте без эмоций. Представим, что ВСУ завтра выходят из Покровска. Что это даёт? Логистика противника \
смещается на Павлоград, а нам открывается дорога на Днепропетровскую область.
Но это не сегодня и не завтра. Пока противник держится за каждый дом и перебрасывает резервы.
Прогнозы о скором падении Покровска я слышу с весны. Не верю им и вам не советую."""),
    ("ua", "kherson-three-years", """\
11 листопада 2022 року Збройні сили України звільнили Херсон. Росіяни тікали через Дніпро, кидаючи техніку \
і своїх поранених.
Сьогодні, через три роки, місто живе під постійними обстрілами з лівого берега: дрони полюють на людей \
просто на вулицях.
Окупанти щодня обіцяють «повернутися». Не повернуться."""),
    ("other", "pokrovsk-thread", """\
A thread on why Pokrovsk matters.
1/ In February 2024 Ukraine withdrew from Avdiivka after a four-month battle; in the weeks that followed, \
Russian forces advanced west along the railway.
2/ The same pattern could repeat if Ukrainian forces have to abandon Pokrovsk: the next line is thin.
3/ Some analysts argue Kyiv should pull back now to save its brigades. I disagree, and here is why."""),
    ("ua", "late-exit-questions", """\
Чому ми досі в Покровську? Чому командування не виводить бригади, поки ще є логістика? Ці питання ставлять \
мені щодня.
Відповідаю чесно: я не знаю. Але я знаю, що вихід з Авдіївки запізнився на тиждень, і це коштувало нам \
сотень полонених.
Вимагаю від Генштабу не повторювати цієї помилки. Виводьте людей вчасно."""),
    ("ru", "right-bank-debate", """\
В ноябре 2022-го наши войска оставили правобережье и Херсон. Три года спустя об этом по-прежнему спорят: \
одни называют это спасением армии, другие — предательством.
Моё мнение простое: решение было тяжёлым, но правильным. Отступать тогда было нужно, а сейчас — нет.
Кстати, свежее с того же направления: противник снова пытался высадиться у Алешек, десант уничтожен."""),
    ("ua", "peace-for-land", """\
Дехто в Європі радить Україні «відвести війська з Донбасу заради миру». Ми вже бачили, чим закінчується \
такий «мир»: окупанти просто перегруповуються і йдуть далі.
Наші бійці не для того тримали Бахмут дев'ять місяців, щоб тепер комусь у Брюсселі було спокійніше.
Ні, ми не підемо з нашої землі. Хай ідуть вони."""),
    ("ua", "kyiv-region-anniversary", """\
Сьогодні три роки з дня, коли росіяни втекли з-під Києва. Буча, Ірпінь, Гостомель — ці назви ми вже ніколи \
не забудемо.
Тоді вони назвали свою втечу «жестом доброї волі». Якщо вони колись знову прийдуть — знову втечуть, \
тільки цього разу не всі.
Згадаймо тих, хто зупинив колони на Житомирській трасі."""),
    ("ru", "last-year-kupiansk", """\
Разбираю ваши вопросы за неделю. Многие спрашивают, почему я так осторожно пишу про Купянское направление.
Отвечаю: в прошлом году мы уже входили в Купянск, и закончилось это тем, что штурмовые группы отошли \
обратно за Оскол. Больше обещать раньше времени не хочу.
Возьмём город — напишу первым. А пока — бои, бои и ещё раз бои."""),
]


@pytest.mark.parametrize(("side", "text"), [(side, text) for side, _, text in NO_CLAIMS],
                         ids=[name for _, name, _ in NO_CLAIMS])
def test_a_long_post_whose_retreats_are_all_background_opinion_or_plans_claims_nothing(
        detector: Detector, side: str, text: str) -> None:
    assert 300 <= len(text) <= 1500
    assert claims(detector, text, side) == set()


# --- posts with one or two claims among the background -------------------------------------------
# (side, name, text, the claims, and why the detector misses them where it still does)

WITH_CLAIMS = [
    ("ua", "robotyne-pushed-out", """\
Два роки тому ми звільнили Херсон, і тоді здавалося, що війна от-от закінчиться. Не закінчилася.
Сьогодні зранку Сили оборони вибили окупантів з Роботиного.
Не поспішайте радіти: росіяни будуть контратакувати, і нам доведеться тримати кожен метр. Донатьте на дрони, \
посилання нижче, кожна гривня сьогодні — це врятоване життя.""",
     {(W, "robotyne", "ru", A)}),
    ("ru", "robotyne-rumour-denied", """\
Укропаблики с утра разгоняют, что наши якобы оставили Работино и откатились к Вербовому. Это ложь. \
Подразделения стоят на своих позициях, связь с ними есть.
Год назад они так же «брали» Бахмут в своих каналах — чем закончилось, все помнят.
Не ведитесь на вбросы и не репостите их, даже если очень хочется первым «сообщить новость».""",
     {(W, "robotyne", "ru", D)}),
    ("other", "kupiansk-thread", """\
1/ Quick thread on the Kupiansk axis. A lot of people are asking whether Ukraine will withdraw from Kupiansk \
this winter. Short answer: nobody knows.
2/ Context: in September 2022 Russian forces fled Kupiansk and Izium within days, abandoning huge amounts of \
equipment. That collapse still shapes how both sides talk about this front.
3/ Today Russian infantry entered the northern outskirts of Kupiansk near the railway, geolocated footage shows. \
This is the first confirmed foothold inside the city limits.
4/ My assessment: a Ukrainian pull-back is possible but not imminent.""",
     {(C, "kupiansk", "ru", A)}),
    ("ua", "toretsk-decision", """\
Командувач ОСУВ «Хортиця» ухвалив рішення про вихід наших підрозділів з Торецька на заздалегідь підготовлені \
рубежі. Рішення ухвалене, щоб зберегти життя особового складу.
Нагадаємо, що торік так само організовано наші війська вийшли з Авдіївки, і противник так і не зміг оточити \
жодного підрозділу.
Ми не коментуватимемо чутки про інші напрямки.""",
     {(W, "toretsk", "ua", A)}),
    ("ua", "vuhledar-fell", """\
Болючі новини. Вугледар впав. Два з половиною роки оборони, сотні загиблих, і ось так це закінчилось.
Пам'ятаю, як у 2023 році росіяни клали під Вугледаром цілі бригади морпіхів. Тоді здавалося, що це місто \
не візьмуть ніколи.
Чи можна було вийти раніше й зберегти більше людей? Питання до командування, і відповідь на нього колись дадуть.""",
     {(C, "vuhledar", None, A)}),
    ("ru", "selydove-liberated", """\
Официально: подразделения группировки войск «Центр» освободили город Селидово. Поздравляю всех, кто ждал \
этой новости.
Для тех, кто ноет в комментариях: напомню, что в 2022-м мы оставили Изюм и Балаклею, и тогда тоже все \
кричали, что всё пропало. Армия сделала выводы.
Следующая цель — Покровск. Думаю, к весне его возьмём, но это уже мой прогноз, а не сводка.""",
     {(C, "selydove", "ru", A)}),
    ("ua", "selydove-left-kurakhove-held", """\
Ранкове зведення по Покровському напрямку. Селидове залишене, підрозділи відійшли на нові рубежі західніше міста.
Водночас російські пабліки пишуть, що ЗСУ нібито залишили і Курахове. Це неправда: Курахове тримаємо, \
бої тривають на східній околиці.
Ще раз прошу: не поширюйте ворожі вкиди. Офіційну інформацію про рішення командування ви отримаєте \
від офіційних джерел, а не від анонімних каналів.""",
     {(W, "selydove", None, A), (W, "kurakhove", "ua", D)}),
    ("ru", "pokrovsk-reader-question", """\
Вопрос от подписчика: «Если ВСУ выйдут из Покровска, что дальше — Днепропетровская область?» Отвечаю.
Во-первых, ВСУ из Покровска пока не вышли, что бы там ни писали паникёры с обеих сторон. Во-вторых, даже если \
выйдут, за Покровском есть Мирноград и ещё десяток опорников.
А вы как думаете: сдаст Сырский Покровск до Нового года или будет держать до последнего?""",
     {(W, "pokrovsk", "ua", D)}, "«из Покровска пока не вышли»: the place before the verb is no withdrawal word "
                                 "of topics.toml, which wants «вышли из»"),
    ("other", "chasiv-yar-denied", """\
Russian milbloggers claimed overnight that Ukrainian forces had withdrawn from Chasiv Yar. The Ukrainian \
brigade holding the town denied this on Friday morning, posting footage from the central district.
For context, Bakhmut fell in May 2023 after a months-long siege, and Russian sources then spent weeks claiming \
a collapse of the whole front that never came.
Whether Ukraine should pull back to the next defensive line is a fair question, but it is not what happened \
this week.""",
     {(W, "chasiv-yar", "ua", D)}),
    ("ua", "chasiv-yar-taken-again", """\
Противник знову «взяв» Часів Яр — вже втретє за місяць, якщо вірити їхнім телеграм-каналам. Це брехня: \
наші хлопці тримають канал і мікрорайон Новий.
Окремо про паніку в коментарях. Відступ з Бахмута минулого року був болючим, але організованим, і саме тому \
ми досі тут.
Тримаємось. Дякуємо всім, хто допомагає бригаді дронами та машинами, без вас було б значно важче.""",
     {(C, "chasiv-yar", "ru", D)}),
    ("ru", "toretsk-entered-kurakhove-left", """\
Срочно. Наши штурмовые подразделения зашли в Торецк с востока и закрепились в первых кварталах.
Противник, по данным наших источников, отошёл из Курахово в сторону Дачного.
Напомню, ещё летом 2024 года укры клялись, что Торецк не сдадут никогда. Вот и вся цена их клятв.
Что дальше — Константиновка? Посмотрим, загадывать не буду.""",
     {(C, "toretsk", "ru", A), (W, "kurakhove", "ua", A)}),
    ("ua", "vuhledar-permission", """\
Офіційно. Генеральний штаб ЗСУ повідомляє: з метою збереження життя військовослужбовців надано дозвіл на маневр \
щодо виходу з Вугледара. Підрозділи виводяться, втрати техніки мінімальні.
Коментатори вже порівнюють із виходом з Авдіївки в лютому 2024 року. Порівняння некоректне: тоді противник \
уже був у місті, зараз ні.
Що буде з Великою Новосілкою — покаже найближчий місяць. Прогнозувати не беруся.""",
     {(W, "vuhledar", "ua", A)}),     # the General Staff of the ЗСУ announces its own units' exit
    ("ua", "kurakhove-occupied", """\
Гірка новина з Донеччини: Курахове окуповано. Останні підрозділи вийшли з міста вночі, вивезли поранених.
Місто тримали з 2022 року, коли росіяни вперше підійшли до Мар'їнки. Мар'їнку ми залишили ще в грудні 2023-го, \
і вже тоді було зрозуміло, що Курахове стане наступним.
Чи можна було втримати? Думаю, так, якби вистачало людей.""",
     {(C, "kurakhove", "ru", A), (W, "kurakhove", None, A)}),
    ("other", "robotyne-liberated", """\
Ukrainian forces have liberated Robotyne, the General Staff said on Monday, releasing drone footage of \
soldiers in the village centre.
The Russian Ministry of Defence denied that its troops had withdrawn from the village, saying fighting continues.
The village has changed hands before: in 2022 Russian troops took it in the first weeks of the invasion. \
Analysts expect Moscow to counterattack within days.""",
     {(C, "robotyne", "ua", A), (W, "robotyne", "ru", D)}),
    ("ru", "robotyne-admitted", """\
Тяжёлая новость, но скрывать не буду. По информации из нескольких источников, наши подразделения отошли \
из Работино на позиции южнее, к Вербовому.
Хватит врать людям, что «всё идёт по плану». Требую от командования внятных объяснений, а не очередной \
«перегруппировки».
В прошлом году мы так же отходили под Клещеевкой, и тогда тоже всё замалчивали.""",
     {(W, "robotyne", "ru", A)}),
    ("ua", "vovchansk-factory", """\
Сьогодні ворога вибито з агрегатного заводу у Вовчанську. Це перший успіх на цій ділянці за кілька тижнів.
Нагадаю, у травні 2024 року росіяни зайшли у Вовчанськ і обіцяли взяти Харків за тиждень. Не взяли.
Хто каже, що нам треба було віддати місто ще тоді, — хай подивиться на це відео. А ми продовжуємо \
збір на РЕБ для штурмовиків, посилання в коментарях.""",
     {(W, "vovchansk", "ru", A)}),
    ("ru", "kreminna-rumour-borova-taken", """\
Вечерняя сводка. Укросми разгоняют фейк, будто наши войска вышли из Кременной. Бои идут западнее города в лесах, \
позиции держим.
А вот на Купянском направлении хорошие новости: противник оставил Боровую, наши штурмовики уже в посёлке.
Год назад за эту же Боровую мы бились всю осень, и многие тогда говорили, что её не взять.""",
     {(W, "kreminna", "ru", D), (W, "borova", "ua", A), (C, "borova", "ru", A)}),
    ("ua", "kupiansk-rumour", """\
Російські воєнкори з самого ранку розганяють, що «ЗСУ втекли з Куп'янська». Це брехня. Наші підрозділи \
в місті, штаб працює.
У вересні 2022-го саме звідси тікали росіяни, залишаючи танки на узбіччях, — от вони й приписують нам свою \
власну історію.
Не поширюйте їхні вкиди. Якщо щось зміниться, ми напишемо першими, як писали завжди, \
зокрема й тоді, коли новини були погані.""",
     {(W, "kupiansk", "ua", D)}),
    ("ru", "robotyne-left-passive", """\
Работино оставлено. Подтвердили сразу несколько источников в войсках.
Кто виноват — разберёмся потом. Сейчас важно одно: не допустить прорыва к Токмаку. Если противник выйдет \
к Токмаку, будет очень тяжело, и тогда вопросы будут уже не к комбатам.
Просьба не разгонять панику в комментариях. Подробности будут вечером, когда ребята выйдут на связь.""",
     {(W, "robotyne", None, A)}),
    ("ua", "two-strongpoints", """\
Коротко з фронту: наші хлопці відійшли з двох опорників на кілька сотень метрів, щоб не потрапити в оточення. \
Позиції вирівняні, втрат немає.
Минулого літа ми теж відходили під Сіверськом, і тоді теж усі писали, що «все пропало». Нічого не пропало.
Відступати без потреби ніхто не збирається. Дякуємо всім, хто закрив збір на "Мавіки" для роти.""",
     {(W, None, "ua", A)}),
    ("ru", "robotyne-liberation-denied", """\
Укры заявляют, что «освободили» Работино. Ложь. Работино по-прежнему серая зона, наши дроны держат каждый метр.
В прошлом году они тоже «освобождали» Работино три раза, и каждый раз наши ребята выбивали их обратно.
Подождём подтверждений, а не верьте на слово их телемарафону. Им нужна картинка к очередному саммиту, \
вот и «освобождают».""",
     {(C, "robotyne", "ua", D)}),
    ("ua", "izium-balakliia", """\
Наші воїни звільнили Ізюм і Балаклію! Над міськими радами вже майорять українські прапори.
Пів року тому окупанти хвалилися, що прийшли сюди назавжди. Тепер їхні колони тягнуться на схід, \
а техніка лишилася в полях.
Тепер головне — не зупинятися. Вперед, на Куп'янськ! Дякуємо кожному, хто донатив, \
хто волонтерив, хто вірив.""",
     {(C, "izium", "ua", A), (C, "balakliia", "ua", A)}),
    ("ru", "marinka-liberated", """\
Марьинка освобождена полностью. Противник, по словам наших бойцов, бросил последние позиции на западной окраине \
города и отошёл к Курахово.
Напомню, Марьинку укры превращали в крепость с 2014 года, и многие не верили, что её вообще можно взять.
Что будет дальше с Курахово — пока гадать не буду. Вечером выложу карту и видео от ребят.""",
     {(C, "marinka", "ru", A), (W, "marinka", "ua", A)}),
    ("other", "toretsk-fallen", """\
BREAKING: Russian milbloggers report that Toretsk has fallen. The Ukrainian General Staff has not commented yet.
Russian forces first reached the outskirts of Toretsk in the summer of 2024, and the town has been fought \
over street by street since.
Analysts warn that Kostiantynivka could be next if the front is not stabilised.""",
     {(C, "toretsk", None, A)}),
    ("ua", "kostiantynivka-fake-toretsk-centre", """\
Росіяни заявили про захоплення Костянтинівки. Це фейк: ворог не зайшов далі околиць.
А от у Торецьку ситуація важча: противник увійшов у центр міста малими групами.
Про вихід з Торецька мова поки не йде. Ніхто не збирається віддавати місто без бою. Бригадам на цьому напрямку потрібні дрони, \
збір триває, звіт буде в неділю, як завжди.""",
     {(C, "kostiantynivka", "ru", D), (C, "toretsk", "ru", A)}),
    ("ru", "chasiv-yar-mod", """\
Министерство обороны России: в результате активных действий подразделения группировки войск «Юг» полностью \
освободили населённый пункт Часов Яр.
Часов Яр противник превращал в крепость ещё с 2015 года: бетонные укрепления, подземные склады, минные поля.
Следующая — Константиновка, и туда, я уверен, мы зайдём быстрее.""",
     {(C, "chasiv-yar", "ru", A)}),
    ("ru", "kreminna-left-svatove-rumour", """\
Наши войска вышли из Кременной на заранее подготовленные рубежи. Это подтвердили в штабе группировки.
Слухи о том, что мы оставили и Сватово, — вброс.
В 2022-м мы так же стояли на этом рубеже, и ничего, выстояли. Выстоим и сейчас. Для тех, кто спрашивает про сбор на маршруты: закрыли, спасибо всем, \
отчёт с фотографиями выложу завтра утром.""",
     {(W, "kreminna", "ru", A), (W, "svatove", "ru", D)}),
    ("other", "avdiivka-order", """\
Ukraine's army chief said on Saturday that he had ordered Ukrainian units to withdraw from Avdiivka to avoid \
encirclement.
Avdiivka had been on the front line since 2014 and was one of the most fortified towns in the Donbas.
Analysts expect Russia to push toward Pokrovsk next, though the pace of any advance is hard to predict.""",
     {(W, "avdiivka", "ua", A)}),
    ("ru", "chasiv-yar-not-left", """\
Противник не отступил из Часова Яра, как многие тут писали вчера.
Не надо выдавать желаемое за действительное: в 2023-м под Бахмутом мы тоже раз пять «брали» город в телеграме, \
пока не взяли на самом деле.
Работаем дальше, спокойно и без истерик. Карта по направлению будет вечером, если ребята \
пришлют свежие кадры с коптеров.""",
     {(W, "chasiv-yar", "ua", D)}),
]


def _case(side: str, name: str, text: str, expected: set, unmet: str | None = None) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=unmet)] if unmet else []
    return pytest.param(side, text, expected, id=name, marks=marks)


@pytest.mark.parametrize(("side", "text", "expected"), [_case(*case) for case in WITH_CLAIMS])
def test_a_long_post_claims_only_its_news_among_the_background(detector: Detector, side: str, text: str,
                                                                 expected: set) -> None:
    assert 300 <= len(text) <= 1500
    assert claims(detector, text, side) == expected


# --- single sentences of such posts: each says why it is not news ---------------------------------

@pytest.mark.parametrize(("side", "text"), [
    ("ru", "Тогда все ждали чуда, а ВСУ давно отошли к Северску."),                          # long since
    ("ru", "Летом ВСУ бежали из-под Волчанска, бросив технику."),                             # a season back
    ("ua", "Взимку окупанти відступили з Кринок, і про це мало хто пише."),
    ("ru", "Через год Работино пришлось тихо оставить."),                                     # a year on
    ("ua", "У них відступів не буває — бувають лише «вирівнювання лінії»."),                 # habitual
    ("ua", "Чим пізніше ухвалюється рішення про відхід з Покровська, тим дорожче він коштує."),
    ("ru", "Генштаб обязан отдать приказ на выход из Часова Яра, пока не поздно."),          # a duty
    ("ru", "В штабах уже обсуждают, не пора ли отводить войска к Константиновке."),           # a proposal
    ("ru", "За лето фронт ушёл далеко на запад от Авдеевки."),                                 # the front moved
])
def test_a_sentence_of_background_habit_duty_or_a_moving_front_claims_nothing(
        detector: Detector, side: str, text: str) -> None:
    assert claims(detector, text, side) == set()


def test_a_government_dismissing_the_other_sides_claim_denies_it(detector: Detector) -> None:
    text = "Kyiv dismissed Russian claims that its troops had abandoned Toretsk."
    assert claims(detector, text, "other") == {(W, "toretsk", "ua", D)}


@pytest.mark.parametrize("text", [
    "Two years ago today, Russia announced it had taken Bakhmut after a nine-month battle.",
    "Сегодня год назад ВСУ оставили Авдеевку.",
])
def test_a_day_dated_years_back_is_an_anniversary_not_news(detector: Detector, text: str) -> None:
    assert claims(detector, text, "other") == set()


# Lines of filler whose stops, quotes and blank lines fall, as the padding grows, at every
# distance before the claim, where a reading of sentence ends may start.
_FILLERS = ("Сегодня в парке прошёл фестиваль уличной еды, вход был свободный.\n\n\n",
            "Кто-то спросит: «а что дальше?!»\n\n…и правда, что?..\n\n\n\n",
            "Погода на вихідні: без опадів. Вдень до плюс двадцяти!\n")


@pytest.mark.parametrize("filler", _FILLERS)
def test_a_claim_deep_in_a_long_post_is_read_as_it_is_read_alone(detector: Detector, filler: str) -> None:
    # "из села" is the village that opens the long sentence before, which must be read whole
    claim = ("Над Кондратовкой под Сумами всю ночь работала наша артиллерия, "
             + ", ".join(["расчёты меняли позиции и снова били по опорникам"] * 8)
             + ". Противник отошёл из села к лесополосе.")
    alone = claims(detector, claim, "ru")
    assert alone == {(W, "UA59080290080084186", "ua", A)}
    for pad in range(48):
        text = filler * 40 + "x" * pad + "\n\n" + claim
        assert claims(detector, text, "ru") == alone, pad
