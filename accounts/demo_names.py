"""Made-up but realistic Singaporean student names, for seed_demo and the
import benchmark. Every naming style the login ID rules care about appears:
Chinese names with and without Hanyu Pinyin or characters in brackets, Malay
names with bin/binte/bte, Indian names with s/o, d/o, a/l, a/p, Eurasian
names with hyphens and apostrophes, Western given names after a comma, a name
of five words, an accented letter, and one name that two children share.
"""

from __future__ import annotations

import random

# Per demo school: class name → level, students. Fixed, so that a second run
# of seed_demo matches every student by reference and changes nothing.
DEMO_SCHOOLS: list[dict] = [
    {
        "code": "SFP",
        "name": "Sunflower Primary School (demo)",
        "classes": [
            (
                "2 Joy",
                2,
                [
                    "Lim Jun Jie (Lin Junjie)",
                    "Nur Aisyah Binte Abdul Rahman",
                    "Arjun s/o Ramasamy",
                    "Chloe D'Cruz",
                    "Wong Xin Yi",
                    "Ho Kai Le",
                ],
            ),
            (
                "3 Kindness",
                3,
                [
                    "Ng Hui Min (Huang Huimin)",
                    "Muhammad Irfan Bin Ismail",
                    "Priya d/o Subramaniam",
                    "Ethan Pereira-Tan",
                    "Chua Kai Xuan (蔡凯轩)",
                    "Siti Nurhaliza Binte Mohamed Yusof",
                ],
            ),
            (
                "4 Courage",
                4,
                [
                    "Goh Zi Xuan",
                    "Ahmad Danish Bin Ahmad Faizal",
                    "Kavin a/l Rajendran",
                    "Sophie O'Hara-Lim",
                    "Teo Jia Le (Zhang Jiale)",
                    "Zoë Chua Shu Ting",
                ],
            ),
            (
                "5 Integrity",
                5,
                [
                    "Muhammad Haziq Bin Roslan",
                    "Tan Wei Ming",
                    "Lee Wei Bin",
                    "Divya a/p Krishnan",
                    "Matthew De Souza",
                    "Koh Yu Xuan, Rachel",
                ],
            ),
            (
                "6 Resilience",
                6,
                [
                    "Nurul Huda Binte Osman",
                    "Rajesh Kumar s/o Balakrishnan",
                    "Ong Jing Wen (王静雯)",
                    "Daniel Rozario",
                    "Muhammad Adam Rayyan Bin Mohamed Firdaus",
                    "Tan Wei Ming",  # the same name as in 5 Integrity: numbered
                ],
            ),
        ],
    },
    {
        "code": "KFP",
        "name": "Kingfisher Primary School (demo)",
        "classes": [
            (
                "2 Hope",
                2,
                [
                    "Chan Kah Wai (Chen Jiawei)",
                    "Aisyah Humaira Binte Zulkifli",
                    "Harini d/o Murugan",
                    "Lucas Sta Maria",
                    "Ho Yi Ting",
                    "Seah Yong Le",
                ],
            ),
            (
                "3 Grace",
                3,
                [
                    "Lau Jun Hao",
                    "Muhammad Rizwan Bin Abdul Latiff",
                    "Sanjay a/l Muthu",
                    "Isabelle Fernandez-Ng",
                    "Soh Xiu Ling (苏秀玲)",
                    "Farah Nabilah Bte Hassan",
                ],
            ),
            (
                "4 Wisdom",
                4,
                [
                    "Quek Jia Hui (Guo Jiahui)",
                    "Irfan Hakim Bin Rahmat",
                    "Meera a/p Selvaraj",
                    "Nathan D'Silva",
                    "Heng Rui En",
                    "Liew Kai Jun, Ryan",
                ],
            ),
            (
                "5 Unity",
                5,
                [
                    "Nurul Izzah Binte Sulaiman",
                    "Tay Jun Wei (郑俊伟)",
                    "Vikram s/o Gopal",
                    "Gabriel Shepherdson",
                    "Low Shi Min",
                    "Amirah Binte Abdullah",
                ],
            ),
            (
                "6 Harmony",
                6,
                [
                    "Pang Wen Xuan (Peng Wenxuan)",
                    "Danish Haikal Bin Mohd Noor",
                    "Keerthana d/o Ravi",
                    "Olivia Theseira",
                    "Sim Yi Xuan",
                    "Yeo Zhi Hao, Marcus",
                ],
            ),
        ],
    },
]

# Form teachers and ICT admins (first name, last name).
TEACHER_NAMES = [
    ("Mei Ling", "Tan"),
    ("Kumar", "Pillai"),
    ("Siti", "Rahmah"),
    ("Grace", "Lim"),
    ("Jonathan", "Ng"),
    ("Farida", "Yusof"),
    ("Wei Jie", "Goh"),
    ("Anita", "Menon"),
    ("Hui Shan", "Chua"),
    ("Michael", "Pereira"),
]
ICT_ADMIN_NAMES = [("Kelvin", "Ong"), ("Nadia", "Hamid")]

# --- generated names (the import benchmark) -------------------------------------

_CHINESE_SURNAMES = [
    "Tan",
    "Lim",
    "Lee",
    "Ng",
    "Ong",
    "Wong",
    "Goh",
    "Chua",
    "Chan",
    "Koh",
    "Teo",
    "Ang",
    "Yeo",
    "Tay",
    "Ho",
    "Low",
    "Toh",
    "Sim",
    "Chong",
    "Chia",
    "Seah",
    "Lau",
    "Heng",
    "Quek",
    "Pang",
    "Foo",
    "Yap",
    "Leong",
    "Soh",
    "Kwek",
    "Tham",
    "Loh",
    "Liew",
    "Chew",
    "Phua",
    "Poh",
    "Neo",
    "Kang",
    "Ting",
    "Hong",
]
_CHINESE_SYLLABLES = [
    "Wei",
    "Ming",
    "Jun",
    "Jie",
    "Hui",
    "Min",
    "Xin",
    "Yi",
    "Zi",
    "Xuan",
    "Kai",
    "Jia",
    "Le",
    "Yu",
    "Shu",
    "Ting",
    "Hao",
    "Zhi",
    "Rui",
    "En",
    "Wen",
    "Jing",
    "Shi",
    "Qi",
    "Yong",
    "Hong",
    "Li",
    "Ling",
    "Xiu",
    "Han",
    "Yan",
    "Zhen",
    "Hua",
    "Kang",
    "Feng",
    "Cheng",
    "Yao",
    "Xiang",
    "Jin",
    "Mei",
]
_PINYIN_SURNAMES = {"Tan": "Chen", "Lim": "Lin", "Ng": "Huang", "Ong": "Wang", "Goh": "Wu", "Teo": "Zhang"}
_WESTERN_GIVEN = [
    "Rachel",
    "Ryan",
    "Marcus",
    "Chloe",
    "Ethan",
    "Isabel",
    "Nicholas",
    "Joanne",
    "Darren",
    "Cheryl",
    "Jerome",
    "Vanessa",
]
_MALAY_MALE = [
    "Muhammad",
    "Ahmad",
    "Irfan",
    "Haziq",
    "Danish",
    "Adam",
    "Rayyan",
    "Syafiq",
    "Afiq",
    "Hakim",
    "Rizwan",
    "Aidil",
    "Faris",
    "Harith",
]
_MALAY_FEMALE = [
    "Nur",
    "Siti",
    "Aisyah",
    "Amirah",
    "Farah",
    "Nurul",
    "Izzah",
    "Iman",
    "Hidayah",
    "Zulaikha",
    "Balqis",
    "Humaira",
    "Alya",
    "Qistina",
]
_MALAY_FATHERS = [
    "Roslan",
    "Ismail",
    "Osman",
    "Zulkifli",
    "Hassan",
    "Sulaiman",
    "Rahmat",
    "Abdullah",
    "Latiff",
    "Hamzah",
    "Yusof",
    "Jamal",
    "Salleh",
    "Rahim",
    "Kassim",
    "Sani",
    "Ramli",
    "Hashim",
] + ["Abdul Rahman", "Mohamed Yusof", "Mohd Noor", "Abdul Karim"]
_INDIAN_MALE = [
    "Arjun",
    "Kavin",
    "Rajesh",
    "Sanjay",
    "Vikram",
    "Aravind",
    "Suresh",
    "Dinesh",
    "Karthik",
    "Naveen",
    "Pranav",
    "Rohan",
    "Vishal",
]
_INDIAN_FEMALE = [
    "Priya",
    "Divya",
    "Harini",
    "Meera",
    "Keerthana",
    "Nisha",
    "Lakshmi",
    "Kavya",
    "Anjali",
    "Shalini",
    "Deepa",
    "Swathi",
    "Revathi",
]
_INDIAN_FATHERS = [
    "Ramasamy",
    "Subramaniam",
    "Rajendran",
    "Krishnan",
    "Balakrishnan",
    "Murugan",
    "Muthu",
    "Selvaraj",
    "Gopal",
    "Ravi",
    "Pillai",
    "Nair",
    "Sundaram",
    "Ganesan",
    "Chandran",
    "Kannan",
    "Velu",
    "Raman",
]
_EURASIAN_GIVEN = [
    "Daniel",
    "Sarah",
    "Matthew",
    "Sophie",
    "Nathan",
    "Olivia",
    "Gabriel",
    "Isabelle",
    "Lucas",
    "Chloe",
    "Aaron",
    "Bianca",
    "Joel",
]
_EURASIAN_SURNAMES = [
    "De Souza",
    "D'Cruz",
    "Pereira",
    "Rozario",
    "Fernandez",
    "Theseira",
    "D'Silva",
    "Sta Maria",
    "O'Hara",
    "Shepherdson",
    "Oliveiro",
    "Scully",
    "Pereira-Tan",
    "Fernandez-Ng",
    "De Rozario",
    "Da Costa",
]


def _one_name(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.55:
        surname = rng.choice(_CHINESE_SURNAMES)
        given = " ".join(rng.sample(_CHINESE_SYLLABLES, 2))
        extra = rng.random()
        if extra < 0.15 and surname in _PINYIN_SURNAMES:
            return f"{surname} {given} ({_PINYIN_SURNAMES[surname]} {given.replace(' ', '').capitalize()})"
        if extra < 0.3:
            return f"{surname} {given}, {rng.choice(_WESTERN_GIVEN)}"
        return f"{surname} {given}"
    if style < 0.75:
        if rng.random() < 0.5:
            first = " ".join(rng.sample(_MALAY_MALE, 2))
            return f"{first} Bin {rng.choice(_MALAY_FATHERS)}"
        first = " ".join(rng.sample(_MALAY_FEMALE, 2))
        return f"{first} {rng.choice(('Binte', 'Bte', 'Binti'))} {rng.choice(_MALAY_FATHERS)}"
    if style < 0.9:
        if rng.random() < 0.5:
            return f"{rng.choice(_INDIAN_MALE)} {rng.choice(('s/o', 'a/l'))} {rng.choice(_INDIAN_FATHERS)}"
        return f"{rng.choice(_INDIAN_FEMALE)} {rng.choice(('d/o', 'a/p'))} {rng.choice(_INDIAN_FATHERS)}"
    return f"{rng.choice(_EURASIAN_GIVEN)} {rng.choice(_WESTERN_GIVEN)} {rng.choice(_EURASIAN_SURNAMES)}"


def generated_names(count: int, *, shared: float = 0.05, seed: int = 2026) -> list[str]:
    """``count`` names of which about ``shared`` repeat another name in the list."""
    rng = random.Random(seed)
    distinct_needed = count - int(count * shared)
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < distinct_needed:
        name = _one_name(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    names += [rng.choice(names) for _ in range(count - distinct_needed)]
    rng.shuffle(names)
    return names
