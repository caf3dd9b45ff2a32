<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MainWindow</name>
        <message>
            <source>Community &amp;QR codes…</source>
            <translation>社区二维码(&amp;Q)…</translation>
        </message>
    </context>
    <context>
        <name>CommunityQrDialog</name>
        <message>
            <source>Community QR codes</source>
            <translation>社区二维码</translation>
        </message>
        <message>
            <source>&amp;Print…</source>
            <translation>打印(&amp;P)…</translation>
        </message>
        <message>
            <source>&amp;Save as picture…</source>
            <translation>另存为图片(&amp;S)…</translation>
        </message>
        <message>
            <source>Residents scan the code with WeChat or a phone camera to open the community's pages.</source>
            <translation>居民用微信或手机相机扫码，即可打开本社区的居民服务页面。</translation>
        </message>
        <message>
            <source>The codes open the pages of this account's sync server: link the account to a server first.</source>
            <translation>二维码打开的是本账户同步服务器上的页面：请先将账户连接到服务器。</translation>
        </message>
        <message>
            <source>No community on this computer yet: sync first.</source>
            <translation>本机还没有社区信息，请先同步。</translation>
        </message>
        <message>
            <source>Scan for %1's resident services</source>
            <translation>扫码进入%1居民服务</translation>
        </message>
        <message>
            <source>Save the QR code</source>
            <translation>保存二维码</translation>
        </message>
        <message>
            <source>PNG picture (*.png)</source>
            <translation>PNG 图片 (*.png)</translation>
        </message>
        <message>
            <source>The picture could not be saved there.</source>
            <translation>无法将图片保存到该位置。</translation>
        </message>
    </context>
</TS>
